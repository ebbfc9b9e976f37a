-- Hands leases off on shutdown: deletes each lease still held by the caller, leaving its LBS entry pending so that
-- a survivor claims it. Nothing is acknowledged.
-- KEYS[1..] lease keys, ARGV[1..] expected values
-- Returns how many leases were released.
local released = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[i] then
    redis.call('DEL', KEYS[i])
    released = released + 1
  end
end
return released
