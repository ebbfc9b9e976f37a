-- Starts a consumer session: a new epoch from the fence counter, written to the consumer's session key with the
-- lease TTL. The session says only that the consumer is alive; what it owns is in the owner hash.
-- KEYS[1] fence counter, KEYS[2] the consumer's session key
-- ARGV[1] lease TTL in ms
-- Returns the epoch.
local epoch = redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[2], epoch, 'PX', ARGV[1])
return epoch
