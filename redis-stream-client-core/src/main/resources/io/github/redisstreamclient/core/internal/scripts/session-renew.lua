-- Renews a consumer session: one PEXPIRE, whatever the consumer holds. Only the session of this epoch is renewed,
-- so a consumer that stalled past its TTL notices (0) and starts a new epoch instead of reviving the old one.
-- KEYS[1] the consumer's session key
-- ARGV[1] epoch, ARGV[2] lease TTL in ms
-- Returns 1 when renewed, 0 when the session is gone (or belongs to a newer start of the same consumer id).
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
