-- Renews every lease of one batch in a single round trip. This is why the leases are our own and not a lock
-- library's: Spring Integration's RedisLockRegistry renews each lock with its own call and task.
-- KEYS[1] LBS stream, KEYS[2..] lease keys
-- ARGV[1] group, ARGV[2] lease TTL in ms, ARGV[3] consumer id, then per lease key: expected value, entry id
-- Returns one integer per lease key:
--   1  renewed
--   2  the lease had lapsed but nobody claimed the entry (it is still pending for this consumer): taken again
--   3  finished: the entry is pending for nobody and gone from the LBS (a done whose answer was lost, or another
--      consumer that took the stream over finished it)
--   0  lost: another consumer holds it, or has the entry pending
local results = {}
for i = 2, #KEYS do
  local a = 4 + (i - 2) * 2
  local expected, id = ARGV[a], ARGV[a + 1]
  local current = redis.call('GET', KEYS[i])
  if current == expected then
    redis.call('PEXPIRE', KEYS[i], ARGV[2])
    results[#results + 1] = 1
  elseif current == false then
    local pending = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
    if pending[1] ~= nil and pending[1][2] == ARGV[3] then
      redis.call('SET', KEYS[i], expected, 'PX', ARGV[2])
      results[#results + 1] = 2
    elseif pending[1] == nil and #redis.call('XRANGE', KEYS[1], id, id) == 0 then
      results[#results + 1] = 3
    else
      results[#results + 1] = 0
    end
  else
    results[#results + 1] = 0
  end
end
return results
