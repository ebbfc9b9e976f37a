-- Records the caller as owner of a batch of freshly delivered LBS entries, each with its own fencing token.
-- While the caller's session is live nobody else may claim what was delivered to it, so the owner hash is written
-- without looking further; a caller whose session lapsed first checks that each entry is still pending for it.
-- KEYS[1] owner hash, KEYS[2] fence counter, KEYS[3] the caller's session key, KEYS[4] LBS stream
-- ARGV[1] consumer id, ARGV[2] session epoch, ARGV[3] group, ARGV[4..] entry ids
-- Returns per entry its fencing token, or -1 when it is not the caller's to own (another consumer claimed it). An
-- entry already recorded for the caller returns its token again: the call may be repeated after its answer was lost.
local live = redis.call('GET', KEYS[3]) == ARGV[2]
local count = #ARGV - 3
local last = redis.call('INCRBY', KEYS[2], count)
local tokens = {}
local writes = {}
local prefix = ARGV[1] .. ':'
for i = 4, #ARGV do
  local id = ARGV[i]
  local owner = redis.call('HGET', KEYS[1], id)
  if owner and string.sub(owner, 1, #prefix) == prefix and string.match(string.sub(owner, #prefix + 1), '^%d+$') then
    -- Recorded for the caller already: this call runs again after its answer was lost. The same token.
    tokens[#tokens + 1] = tonumber(string.sub(owner, #prefix + 1))
  else
    local mine = owner == false
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
end
-- In slices: Lua's unpack is limited by its stack (about 8,000 values).
for from = 1, #writes, 1000 do
  redis.call('HSET', KEYS[1], unpack(writes, from, math.min(from + 999, #writes)))
end
return tokens
