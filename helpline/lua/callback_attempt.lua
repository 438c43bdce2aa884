-- callback_attempt: we are ringing the citizen of a callback request (count the try).
-- KEYS[1] callback hash   KEYS[2] event stream
-- args: member   leg (the citizen's, sid)   now (ms)   volunteer (id)
-- Returns the number of tries so far, or 0 when the request is no longer being connected.
if redis.call('HGET', KEYS[1], 'state') ~= 'connecting' then
  return 0
end
local tries = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('HSET', KEYS[1], 'citizen_leg', args.leg, 'last_attempt_at', args.now)
redis.call('XADD', KEYS[2], '*', 'type', 'callback_attempt', 'member', args.member,
  't', args.now, 'attempt', tries, 'volunteer', args.volunteer,
  'topic', redis.call('HGET', KEYS[1], 'topic') or '')
return tries
