-- attach_leg: remember the volunteer's phone leg (a Twilio CallSid) on both sides.
-- KEYS[1] volunteer hash   KEYS[2] party hash   KEYS[3] event stream
-- ARGV[1] volunteer id   ARGV[2] member   ARGV[3] leg sid   ARGV[4] now (ms)
-- Returns 'attached', or 'gone' when the attempt already ended (cancel the leg then).
if redis.call('HGET', KEYS[1], 'offer') ~= ARGV[2] or redis.call('HGET', KEYS[1], 'state') ~= 'connecting' then
  return 'gone'
end
if redis.call('HGET', KEYS[2], 'state') ~= 'connecting' then
  return 'gone'
end
redis.call('HSET', KEYS[1], 'leg', ARGV[3])
redis.call('HSET', KEYS[2], 'volunteer_leg', ARGV[3])
redis.call('XADD', KEYS[3], '*', 'type', 'volunteer_rung', 'member', ARGV[2],
  'volunteer', ARGV[1], 't', ARGV[4])
return 'attached'
