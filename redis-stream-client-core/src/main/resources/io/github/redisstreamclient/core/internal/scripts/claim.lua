-- Claims LBS entries whose owner is gone: XCLAIM to the caller and owner[E] = caller:<INCR fence>, in one script, so
-- that consumers racing for the same entry cannot both win.
-- An entry is claimable when it was released (graceful: the delivery count is kept with RETRYCOUNT), or when the
-- consumer it is pending for has no session (a takeover from a dead owner: XCLAIM counts a delivery). An entry taken
-- over from dead owners more than max-takeovers times is still claimed, and reported as poison: the caller moves it
-- to the dead-letter stream and finishes it, so that a stream that kills its consumers cannot kill the fleet.
-- KEYS[1] LBS stream, KEYS[2] owner hash, KEYS[3] fence counter
-- ARGV[1] group, ARGV[2] caller, ARGV[3] session key prefix, ARGV[4] max takeovers (0: never poison),
-- ARGV[5] most entries to claim, ARGV[6] mode, 'consumer' or 'ids'
--   'consumer': ARGV[7] the consumer whose pending entries are claimed, ARGV[8] where to start ('-' or '(<id>'),
--                ARGV[9] the caller's session epoch when that consumer is the caller itself (what an earlier process
--                under the same id held: tokens below the epoch), else 0
--   'ids':      ARGV[7..] entry ids
-- Returns {status, last entry id looked at ('' if none), reply per entry looked at...}
--   status 1: the consumer is alive (mode 'consumer'), nothing was looked at
--   {id, token, fields, deliveries, poison 1/0}   claimed (token > 0); deliveries as before this claim
--   {id, 0}                                       not claimable: its owner lives
-- In mode 'ids' an entry the caller owns already comes back as claimed with its token: the caller asks only for
-- entries it does not hold, so this is a claim whose answer was lost, run again.
--   {id, -1}                                      finished: acknowledged, or deleted
local group, me, prefix = ARGV[1], ARGV[2], ARGV[3]
local maxTakeovers, limit, mode = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local startEpoch = 0
local candidates = {}
local last = ''
if mode == 'consumer' then
  local from = ARGV[7]
  startEpoch = tonumber(ARGV[9])
  if from ~= me and redis.call('EXISTS', prefix .. from) == 1 then
    return {1, ''}
  end
  local pending = redis.call('XPENDING', KEYS[1], group, ARGV[8], '+', limit, from)
  for _, p in ipairs(pending) do
    candidates[#candidates + 1] = {p[1], p[2], p[4]}
  end
  if #pending > 0 then
    last = pending[#pending][1]
  end
else
  for i = 7, #ARGV do
    local p = redis.call('XPENDING', KEYS[1], group, ARGV[i], ARGV[i], 1)
    if p[1] == nil then
      candidates[#candidates + 1] = {ARGV[i], false, 0}
    else
      candidates[#candidates + 1] = {p[1][1], p[1][2], p[1][4]}
    end
    last = ARGV[i]
  end
end
local liveness = {}
local function alive(consumer)
  if liveness[consumer] == nil then
    liveness[consumer] = redis.call('EXISTS', prefix .. consumer) == 1
  end
  return liveness[consumer]
end
local replies = {0, last}
local claimed = 0
for _, candidate in ipairs(candidates) do
  if claimed >= limit then
    break
  end
  local id, holder, deliveries = candidate[1], candidate[2], candidate[3]
  if holder == false then
    replies[#replies + 1] = {id, -1}
  else
    local owner = redis.call('HGET', KEYS[2], id)
    local graceful, claimable, already = false, false, nil
    if owner and string.sub(owner, 1, 9) == 'released:' then
      graceful, claimable = true, true
    else
      local ownerId, token
      if owner then
        ownerId, token = string.match(owner, '^(.*):(%d+)$')
      end
      if owner and ownerId ~= holder then
        claimable = false
      elseif holder == me then
        claimable = mode == 'consumer' and (owner == false or tonumber(token) < startEpoch)
        if mode == 'ids' and owner then
          -- Claimed by the caller before, and the answer was lost: the same token again.
          already = tonumber(token)
        end
      else
        claimable = not alive(holder)
      end
    end
    if already then
      local entry = redis.call('XRANGE', KEYS[1], id, id)[1]
      if entry then
        replies[#replies + 1] = {id, already, entry[2], deliveries, 0}
        claimed = claimed + 1
      else
        replies[#replies + 1] = {id, -1}
      end
    elseif not claimable then
      replies[#replies + 1] = {id, 0}
    else
      local result
      if graceful then
        result = redis.call('XCLAIM', KEYS[1], group, me, 0, id, 'RETRYCOUNT', deliveries)
      else
        result = redis.call('XCLAIM', KEYS[1], group, me, 0, id)
      end
      local entry = result[1]
      if type(entry) ~= 'table' or type(entry[2]) ~= 'table' then
        -- The entry's data is gone (Redis 6.2 keeps such an entry pending and replies nil): drop it.
        redis.call('XACK', KEYS[1], group, id)
        redis.call('HDEL', KEYS[2], id)
        replies[#replies + 1] = {id, -1}
      else
        local token = redis.call('INCR', KEYS[3])
        redis.call('HSET', KEYS[2], id, me .. ':' .. token)
        local poison = 0
        if not graceful and maxTakeovers > 0 and deliveries - 1 >= maxTakeovers then
          poison = 1
        end
        replies[#replies + 1] = {id, token, entry[2], deliveries, poison}
        claimed = claimed + 1
      end
    end
  end
end
return replies
