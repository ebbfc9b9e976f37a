-- Finishes a stream for its owner (Go's DoneStream): forgets the owner, acknowledges and deletes the LBS entry, and
-- forgets the data stream's checkpoint, which only a finished stream no longer needs.
-- KEYS[1] LBS stream, KEYS[2] owner hash, KEYS[3] checkpoint hash
-- ARGV[1] group, ARGV[2] entry id, ARGV[3] expected owner (<consumer id>:<token>), ARGV[4] data stream name
-- Returns:
--   1  done
--   2  already finished: no owner, pending for nobody and gone from the LBS. A done whose answer was lost (a command
--      timeout, or Lettuce sending the command again after a reconnect) is retried, and must not be told it lost
--      the stream.
--   0  the caller does not own the entry
local current = redis.call('HGET', KEYS[2], ARGV[2])
if current ~= ARGV[3] then
  if current == false then
    local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
    if pending[1] == nil and #redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2]) == 0 then
      return 2
    end
  end
  return 0
end
redis.call('HDEL', KEYS[2], ARGV[2])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('HDEL', KEYS[3], ARGV[4])
return 1
