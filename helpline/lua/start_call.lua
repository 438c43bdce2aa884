-- start_call: register an incoming call once; a redelivery changes nothing.
-- KEYS[1] call hash            KEYS[2] event stream
-- ARGV[1] call sid  ARGV[2] now (ms)  ARGV[3] caller pseudonym  ARGV[4] region
-- ARGV[5] open ('1' or '0')  ARGV[6] ttl of the call hash (s)
-- Returns the call's state.
local state = redis.call('HGET', KEYS[1], 'state')
if state then
  return state
end
redis.call('HSET', KEYS[1], 'state', 'ivr', 'started_at', ARGV[2], 'caller', ARGV[3],
  'region', ARGV[4], 'open', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[6])
redis.call('XADD', KEYS[2], '*', 'type', 'call_started', 'call', ARGV[1], 't', ARGV[2],
  'caller', ARGV[3], 'region', ARGV[4], 'open', ARGV[5])
return 'ivr'
