-- Moves a data stream's checkpoint, only for the current owner (fencing): a consumer whose lease was taken over
-- cannot move it, whatever it still believes.
-- KEYS[1] lease key, KEYS[2] checkpoint hash, KEYS[3] LBS stream
-- ARGV[1] expected lease value, ARGV[2] data stream name, ARGV[3] entry id to commit, ARGV[4] LBS entry id,
-- ARGV[5] group, ARGV[6] consumer id
-- Returns 1 when committed (or already at or past that id), 0 when the caller does not own the stream.
local current = redis.call('GET', KEYS[1])
if current ~= ARGV[1] then
  if current ~= false then
    return 0
  end
  -- A lapsed lease nobody claimed is still ours, as in done.lua.
  local pending = redis.call('XPENDING', KEYS[3], ARGV[5], ARGV[4], ARGV[4], 1)
  if pending[1] == nil or pending[1][2] ~= ARGV[6] then
    return 0
  end
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
