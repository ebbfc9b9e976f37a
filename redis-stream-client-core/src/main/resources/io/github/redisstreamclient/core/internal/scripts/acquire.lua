-- Takes the leases of a batch of freshly delivered LBS entries, each with its own fencing token, in one call.
-- KEYS[1] fence counter, KEYS[2..n] lease keys
-- ARGV[1] consumer id, ARGV[2] lease TTL in ms
-- Returns per lease key its fencing token, or -1 when another consumer already holds that lease (it claimed the
-- entry first).
local tokens = {}
for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    tokens[#tokens + 1] = -1
  else
    local token = redis.call('INCR', KEYS[1])
    redis.call('SET', KEYS[i], ARGV[1] .. ':' .. token, 'PX', ARGV[2])
    tokens[#tokens + 1] = token
  end
end
return tokens
