-- One page of the sweep: LBS entries pending longer than a minimum idle time whose lease key is gone.
-- KEYS[1] LBS stream
-- ARGV[1] group, ARGV[2] minimum idle ms, ARGV[3] start id ('-' or an exclusive '(id'), ARGV[4] page size,
-- ARGV[5] lease key prefix
-- Returns {next start id or '' at the end, {expired entry ids...}}.
-- The lease keys are built here rather than passed in because the ids are only known after XPENDING; they carry
-- the LBS name as hash tag, so on Redis Cluster they live in the same slot as KEYS[1].
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], 'IDLE', ARGV[2], ARGV[3], '+', ARGV[4])
local expired = {}
for _, entry in ipairs(pending) do
  if redis.call('EXISTS', ARGV[5] .. entry[1]) == 0 then
    expired[#expired + 1] = entry[1]
  end
end
local nextStart = ''
if #pending == tonumber(ARGV[4]) then
  nextStart = '(' .. pending[#pending][1]
end
return {nextStart, expired}
