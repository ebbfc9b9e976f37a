-- Claims LBS entries whose lease is gone: XCLAIM to the caller, new lease, new fencing token, all at once, so that
-- consumers racing for the same entry cannot both win.
-- KEYS[1] LBS stream, KEYS[2] fence counter, KEYS[3..] one lease key per entry
-- ARGV[1] group, ARGV[2] consumer id, ARGV[3] lease TTL in ms, ARGV[4..] entry ids, in the order of the lease keys
-- Returns one reply per entry:
--   {id, token, fields}  claimed
--   {id, 0}              someone holds the lease
--   {id, -1}             nothing to claim: the entry is done (acknowledged) or was deleted
local replies = {}
for i = 4, #ARGV do
  local id = ARGV[i]
  local leaseKey = KEYS[i - 1]
  if redis.call('EXISTS', leaseKey) == 1 then
    replies[#replies + 1] = {id, 0}
  else
    local claimed = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, id)
    local entry = claimed[1]
    if type(entry) ~= 'table' or type(entry[2]) ~= 'table' then
      -- Redis 6.2 replies nil for a pending entry whose data was deleted and keeps it pending: drop it.
      redis.call('XACK', KEYS[1], ARGV[1], id)
      replies[#replies + 1] = {id, -1}
    else
      local token = redis.call('INCR', KEYS[2])
      redis.call('SET', leaseKey, ARGV[2] .. ':' .. token, 'PX', ARGV[3])
      replies[#replies + 1] = {id, token, entry[2]}
    end
  end
end
return replies
