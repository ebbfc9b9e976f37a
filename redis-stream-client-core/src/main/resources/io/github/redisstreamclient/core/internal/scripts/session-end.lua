-- Ends a consumer session on close(): deletes the session key if it is still this epoch's, so that the others treat
-- the consumer as gone at once, and removes the consumer's name from the group when nothing is pending for it.
-- KEYS[1] the consumer's session key, KEYS[2] LBS stream
-- ARGV[1] epoch, ARGV[2] group, ARGV[3] consumer id
-- Returns 1 when the name left the group, else 0.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
local pending = redis.call('XPENDING', KEYS[2], ARGV[2], '-', '+', 1, ARGV[3])
if #pending == 0 then
  redis.call('XGROUP', 'DELCONSUMER', KEYS[2], ARGV[2], ARGV[3])
  return 1
end
return 0
