-- Decides whether the caller runs the sweep now. The consumers of a service share one sweep: without this each of
-- them walked the whole pending list every interval, K consumers costing Redis K times the work.
-- The key holds when the last sweep started (server time, ms). The caller sweeps when that was at least its own
-- period ago, so a consumer with a shorter interval is never held back by one with a longer interval.
-- KEYS[1] sweep key
-- ARGV[1] the caller's period in ms
-- Returns 1 when the caller should sweep now (and records the start), else 0.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local last = redis.call('GET', KEYS[1])
if last and now - tonumber(last) < tonumber(ARGV[1]) then
  return 0
end
redis.call('SET', KEYS[1], now, 'PX', 2 * tonumber(ARGV[1]))
return 1
