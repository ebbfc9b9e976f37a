-- Releases streams without finishing them (OwnedStream.release(), the rebalancer, close()): owner[E] becomes
-- released:<token> where the caller still owns E. The entry stays pending; whoever claims it next keeps its delivery
-- count, so a release never counts towards dead-lettering.
-- KEYS[1] owner hash
-- ARGV[1] consumer id, then per stream: entry id, fencing token
-- Returns one integer per stream: 1 released, 0 no longer the caller's.
local results = {}
for a = 2, #ARGV, 2 do
  local id, token = ARGV[a], ARGV[a + 1]
  local owner = redis.call('HGET', KEYS[1], id)
  if owner == ARGV[1] .. ':' .. token then
    redis.call('HSET', KEYS[1], id, 'released:' .. token)
    results[#results + 1] = 1
  elseif owner == 'released:' .. token then
    -- Released by this very call before its answer was lost.
    results[#results + 1] = 1
  else
    results[#results + 1] = 0
  end
end
return results
