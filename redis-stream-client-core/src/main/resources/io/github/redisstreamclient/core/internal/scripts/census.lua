-- The group's consumers with what is pending for each and whether its session is live: O(consumers), whatever the
-- number of streams. Group hygiene on the way: a consumer with no session, nothing pending and idle longer than
-- the given time is removed from the group, so names of pods long gone do not pile up.
-- KEYS[1] LBS stream
-- ARGV[1] group, ARGV[2] session key prefix, ARGV[3] idle ms after which a sessionless, idle name is removed
-- (0: remove none), ARGV[4] the caller's consumer id (never removed)
-- Returns {{name, pending, live (1/0)}, ...}; empty when the group does not exist.
-- The session keys are built here rather than passed in because the names are only known after XINFO; they carry
-- the LBS name as hash tag, so on Redis Cluster they live in the same slot as KEYS[1].
local ok, consumers = pcall(redis.call, 'XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
if not ok then
  -- No group or no stream yet: nobody to look at. Anything else (a refused permission) is the caller's to see.
  local message = type(consumers) == 'table' and consumers.err or tostring(consumers)
  if string.find(message, 'NOGROUP', 1, true) or string.find(message, 'no such key', 1, true) then
    return {}
  end
  return redis.error_reply(message)
end
local removeAfter = tonumber(ARGV[3])
local census = {}
for _, consumer in ipairs(consumers) do
  local name, pending, idle
  for i = 1, #consumer, 2 do
    local field = consumer[i]
    if field == 'name' then
      name = consumer[i + 1]
    elseif field == 'pending' then
      pending = consumer[i + 1]
    elseif field == 'idle' then
      idle = consumer[i + 1]
    end
  end
  local live = redis.call('EXISTS', ARGV[2] .. name)
  if live == 0 and pending == 0 and removeAfter > 0 and idle > removeAfter and name ~= ARGV[4] then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)
  else
    census[#census + 1] = {name, pending, live}
  end
end
return census
