-- What a fair share of the LBS is now, for the reader to size its next read: the LBS length (entries not done:
-- owned or waiting) and the number of consumers in the group. O(1) per group.
-- KEYS[1] LBS stream
-- ARGV[1] group
-- Returns {length, consumers}; consumers is 0 when the group does not exist.
local length = redis.call('XLEN', KEYS[1])
local ok, groups = pcall(redis.call, 'XINFO', 'GROUPS', KEYS[1])
if not ok then
  return {length, 0}
end
for _, group in ipairs(groups) do
  local name, consumers
  for i = 1, #group, 2 do
    if group[i] == 'name' then
      name = group[i + 1]
    elseif group[i] == 'consumers' then
      consumers = group[i + 1]
    end
  end
  if name == ARGV[1] then
    return {length, consumers}
  end
end
return {length, 0}
