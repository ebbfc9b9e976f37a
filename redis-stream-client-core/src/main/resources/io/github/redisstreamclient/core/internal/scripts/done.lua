-- Finishes a stream: releases the caller's lease, acknowledges and deletes the LBS entry (Go's DoneStream), and
-- forgets the data stream's checkpoint, which only a finished stream no longer needs.
-- KEYS[1] LBS stream, KEYS[2] lease key, KEYS[3] checkpoint hash
-- ARGV[1] group, ARGV[2] entry id, ARGV[3] expected lease value, ARGV[4] consumer id, ARGV[5] data stream name
-- Returns:
--   1  done
--   2  already finished: pending for nobody and gone from the LBS. A done whose answer was lost (a command timeout,
--      or Lettuce sending the command again after a reconnect) is retried, and must not be told it lost the stream.
--   0  the caller does not own the entry: another consumer holds its lease or has it pending
-- A lapsed lease still counts as owned while the entry is pending for the caller: nobody else can have claimed it,
-- since a claim moves the pending entry.
local current = redis.call('GET', KEYS[2])
if current ~= ARGV[3] then
  if current ~= false then
    return 0
  end
  local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
  if pending[1] == nil then
    if #redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2]) == 0 then
      return 2
    end
    return 0
  end
  if pending[1][2] ~= ARGV[4] then
    return 0
  end
end
redis.call('DEL', KEYS[2])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('HDEL', KEYS[3], ARGV[5])
return 1
