-- Moves a data stream's checkpoint, only for the current owner (fencing): a consumer whose stream was taken over or
-- released cannot move it, whatever it still believes.
-- KEYS[1] owner hash, KEYS[2] checkpoint hash
-- ARGV[1] expected owner (<consumer id>:<token>), ARGV[2] data stream name, ARGV[3] entry id to commit,
-- ARGV[4] LBS entry id
-- Returns 1 when committed (or already at or past that id), 0 when the caller does not own the stream.
if redis.call('HGET', KEYS[1], ARGV[4]) ~= ARGV[1] then
  return 0
end
local function parse(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local committed = redis.call('HGET', KEYS[2], ARGV[2])
if committed then
  local cms, cseq = parse(committed)
  local nms, nseq = parse(ARGV[3])
  if nms < cms or (nms == cms and nseq <= cseq) then
    return 1
  end
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1
