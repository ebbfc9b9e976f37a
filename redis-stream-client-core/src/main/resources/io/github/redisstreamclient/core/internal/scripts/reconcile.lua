-- Tells a consumer which of the streams it believes it holds are still its own: after its session lapsed (a stall,
-- a Redis restart), and for a done() whose answer was lost.
-- KEYS[1] owner hash, KEYS[2] LBS stream
-- ARGV[1] consumer id, ARGV[2] group, then per stream: entry id, fencing token
-- Returns one integer per stream:
--   1  still owned
--   2  the owner record was gone but the entry is still pending for the caller (Redis lost a write): recorded again
--   3  finished: no owner, pending for nobody and gone from the LBS (a done whose answer was lost)
--   0  taken over, or released
local results = {}
for a = 3, #ARGV, 2 do
  local id, expected = ARGV[a], ARGV[1] .. ':' .. ARGV[a + 1]
  local current = redis.call('HGET', KEYS[1], id)
  if current == expected then
    results[#results + 1] = 1
  elseif current == false then
    local pending = redis.call('XPENDING', KEYS[2], ARGV[2], id, id, 1)
    if pending[1] ~= nil and pending[1][2] == ARGV[1] then
      redis.call('HSET', KEYS[1], id, expected)
      results[#results + 1] = 2
    elseif pending[1] == nil and #redis.call('XRANGE', KEYS[2], id, id) == 0 then
      results[#results + 1] = 3
    else
      results[#results + 1] = 0
    end
  else
    results[#results + 1] = 0
  end
end
return results
