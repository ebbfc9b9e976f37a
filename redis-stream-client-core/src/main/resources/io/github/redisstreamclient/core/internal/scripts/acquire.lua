-- Takes the lease of a freshly delivered LBS entry and hands out a fencing token, atomically.
-- KEYS[1] lease key, KEYS[2] fence counter
-- ARGV[1] consumer id, ARGV[2] lease TTL in ms
-- Returns the fencing token, or -1 when another consumer already holds the lease (it claimed the entry first).
if redis.call('EXISTS', KEYS[1]) == 1 then
  return -1
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. token, 'PX', ARGV[2])
return token
