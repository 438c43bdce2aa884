-- callback_attempt: we are ringing the citizen of a callback request (count the try).
-- KEYS[1] callback hash   KEYS[2] event stream
-- ARGV[1] member   ARGV[2] citizen leg sid   ARGV[3] now (ms)   ARGV[4] volunteer id
-- Returns the number of tries so far, or 0 when the request is no longer being connected.
if redis.call('HGET', KEYS[1], 'state') ~= 'connecting' then
  return 0
end
local tries = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('HSET', KEYS[1], 'citizen_leg', ARGV[2], 'last_attempt_at', ARGV[3])
redis.call('XADD', KEYS[2], '*', 'type', 'callback_attempt', 'member', ARGV[1], 't', ARGV[3],
  'attempt', tries, 'volunteer', ARGV[4], 'topic', redis.call('HGET', KEYS[1], 'topic') or '')
return tries
