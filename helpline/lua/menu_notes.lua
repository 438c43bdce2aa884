-- menu_notes: the menu steps calls were presented, many calls at once (written in batches by
-- helpline.menu_notes, off the webhooks' path). A call's first step starts its path afresh
-- with the time to live; a later step is appended and the time to live renewed.
-- KEYS[i] the menu path of a call (keys.menu_path)
-- args: steps (the step id for each key)   first (true for each key whose step is the call's
-- first)   ttl (seconds)
-- Returns how many steps were noted.
local ttl = tonumber(args.ttl)
for i, key in ipairs(KEYS) do
  if args.first[i] then
    redis.call('SET', key, args.steps[i] .. ' ', 'EX', ttl)
  else
    redis.call('APPEND', key, args.steps[i] .. ' ')
    redis.call('EXPIRE', key, ttl)
  end
end
return #KEYS
