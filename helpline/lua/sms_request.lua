-- sms_request: the volunteer of a finished conversation asked the caller and ticked
-- "send the address by text message", once.
-- KEYS[1] handled-call record   KEYS[2] the conversation's sms hash   KEYS[3] event stream
-- args: member   volunteer (id)   place (id)   now (ms)
-- Returns 'requested', or why not: 'not-yours', 'no-number', 'already', 'landline',
-- 'not-mobile'.
if redis.call('HGET', KEYS[1], 'volunteer') ~= args.volunteer then
  return 'not-yours'
end
local kind = redis.call('HGET', KEYS[2], 'kind')
if not kind then
  return 'no-number'
end
if redis.call('HEXISTS', KEYS[2], 'status') == 1 then
  return 'already'
end
if kind == 'landline' then
  return 'landline'
elseif kind ~= 'mobile' then
  return 'not-mobile'
end
if redis.call('HEXISTS', KEYS[2], 'number') == 0 then
  return 'no-number'
end
redis.call('HSET', KEYS[2], 'status', 'requested', 'rank', '0', 'place', args.place,
  'lang', redis.call('HGET', KEYS[1], 'lang') or '', 'volunteer', args.volunteer,
  'requested_at', args.now)
redis.call('XADD', KEYS[3], '*', 'type', 'sms_requested', 'member', args.member,
  'volunteer', args.volunteer, 't', args.now)
return 'requested'
