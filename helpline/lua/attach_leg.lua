-- attach_leg: remember the volunteer's phone leg (a Twilio CallSid) on both sides.
-- KEYS[1] volunteer hash   KEYS[2] party hash   KEYS[3] event stream
-- args: volunteer (id)   member   leg (sid)   now (ms)
-- Returns 'attached', or 'gone' when the attempt already ended (cancel the leg then).
-- uses: still_connecting
if not still_connecting(KEYS[1], KEYS[2], args.member) then
  return 'gone'
end
redis.call('HSET', KEYS[1], 'leg', args.leg)
redis.call('HSET', KEYS[2], 'volunteer_leg', args.leg)
redis.call('XADD', KEYS[3], '*', 'type', 'volunteer_rung', 'member', args.member,
  'volunteer', args.volunteer, 't', args.now)
return 'attached'
