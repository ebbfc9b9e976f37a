-- Records the caller as owner of a batch of freshly delivered LBS entries, each with its own fencing token.
-- While the caller's session is live nobody else may claim what was delivered to it, so the owner hash is written
-- without looking further; a caller whose session lapsed first checks that each entry is still pending for it.
-- KEYS[1] owner hash, KEYS[2] fence counter, KEYS[3] the caller's session key, KEYS[4] LBS stream
-- ARGV[1] consumer id, ARGV[2] session epoch, ARGV[3] group, ARGV[4..] entry ids
-- Returns per entry its fencing token, or -1 when it is not the caller's to own (another consumer claimed it).
local live = redis.call('GET', KEYS[3]) == ARGV[2]
local count = #ARGV - 3
local last = redis.call('INCRBY', KEYS[2], count)
local tokens = {}
local writes = {}
for i = 4, #ARGV do
  local id = ARGV[i]
  local mine = redis.call('HEXISTS', KEYS[1], id) == 0
  if mine and not live then
    local pending = redis.call('XPENDING', KEYS[4], ARGV[3], id, id, 1)
    mine = pending[1] ~= nil and pending[1][2] == ARGV[1]
  end
  if mine then
    local token = last - count + (i - 3)
    writes[#writes + 1] = id
    writes[#writes + 1] = ARGV[1] .. ':' .. token
    tokens[#tokens + 1] = token
  else
    tokens[#tokens + 1] = -1
  end
end
if #writes > 0 then
  redis.call('HSET', KEYS[1], unpack(writes))
end
return tokens
