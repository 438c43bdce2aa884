-- wrapup: the volunteer's wrap-up of a conversation they had, once.
-- KEYS[1] handled-call record   KEYS[2] event stream
-- args: volunteer (id)   member (the conversation's record id)   now (ms)   fields (a list of
-- {field, value}, in order)
-- The event names the call's own member (a record of a caller handed over has another id).
-- Returns 'saved', or why not: 'not-yours' (no such record of this volunteer), 'already'.
if redis.call('HGET', KEYS[1], 'volunteer') ~= args.volunteer then
  return 'not-yours'
end
if redis.call('HGET', KEYS[1], 'wrapped') == '1' then
  return 'already'
end
local event = {'type', 'wrapup', 'member', redis.call('HGET', KEYS[1], 'member') or args.member,
  'record', args.member, 'volunteer', args.volunteer,
  't', args.now, 'topic', redis.call('HGET', KEYS[1], 'topic') or ''}
for _, pair in ipairs(args.fields) do
  redis.call('HSET', KEYS[1], 'w_' .. pair[1], pair[2])
  table.insert(event, 'w_' .. pair[1])
  table.insert(event, pair[2])
end
redis.call('HSET', KEYS[1], 'wrapped', '1', 'wrapped_at', args.now)
redis.call('XADD', KEYS[2], '*', unpack(event))
return 'saved'
