-- call_draft: what the volunteer notes during a call and its wrap-up before sending it (the
-- note, the place they referred the caller to). While it holds something, or the wrap-up form
-- holds unsaved input, the wrap-up's time passing does not end it (hold_for, read by
-- wrapup_end.lua).
-- KEYS[1] the draft hash   KEYS[2] volunteer hash
-- args: member   record (the conversation's record id)   fields (a list of {field, value} to
-- set)   unsaved (true: the wrap-up form holds input not sent)   now (ms)   ttl (s)
-- Returns {'saved', '1' when the draft holds the wrap-up, else '0'}, or {'stale', '0'} when
-- this is not the volunteer's call (or wrap-up) now.
local state = redis.call('HGET', KEYS[2], 'state')
local talking = (state == 'connecting' or state == 'on_call')
  and redis.call('HGET', KEYS[2], 'offer') == args.member
local wrapping = state == 'wrapup' and redis.call('HGET', KEYS[2], 'last_call') == args.record
if not (talking or wrapping) then
  return {'stale', '0'}
end
for _, pair in ipairs(args.fields) do
  redis.call('HSET', KEYS[1], pair[1], pair[2])
end
redis.call('HSET', KEYS[1], 'saved_at', args.now)
redis.call('EXPIRE', KEYS[1], args.ttl)
local holding = args.unsaved or (redis.call('HGET', KEYS[1], 'note') or '') ~= ''
  or (redis.call('HGET', KEYS[1], 'place') or '') ~= ''
if holding then
  redis.call('HSET', KEYS[2], 'hold_for', args.member)
elseif redis.call('HGET', KEYS[2], 'hold_for') == args.member then
  redis.call('HDEL', KEYS[2], 'hold_for')
end
return {'saved', holding and '1' or '0'}
