-- wrapup_end: the wrap-up form was sent or the wrap-up time passed: available again.
-- KEYS[1] volunteer hash   KEYS[2] event stream   KEYS[3..] the volunteer's availability sets
-- ARGV[1] volunteer id   ARGV[2] now (ms)   ARGV[3] routing strategy   ARGV[4] only if due ('1')
-- Returns the state afterwards ('stale' when not in wrap-up or not yet due); a volunteer
-- marked 'retire' (disabled during a call) goes offline.
if redis.call('HGET', KEYS[1], 'state') ~= 'wrapup' then
  return 'stale'
end
if ARGV[4] == '1' and tonumber(ARGV[2]) < tonumber(redis.call('HGET', KEYS[1], 'wrapup_until') or '0') then
  return 'stale'
end
redis.call('HDEL', KEYS[1], 'wrapup_until')
if redis.call('HGET', KEYS[1], 'retire') == '1' then
  -- disabled during the call: the call could finish, but no more callers
  redis.call('HSET', KEYS[1], 'state', 'offline', 'state_since', ARGV[2])
  redis.call('HDEL', KEYS[1], 'retire')
  redis.call('XADD', KEYS[2], '*', 'type', 'volunteer_state', 'volunteer', ARGV[1], 't', ARGV[2],
    'from', 'wrapup', 'to', 'offline', 'reason', 'disabled')
  return 'offline'
end
redis.call('HSET', KEYS[1], 'state', 'available', 'state_since', ARGV[2], 'idle_since', ARGV[2])
local score = tonumber(ARGV[2])
if ARGV[3] == 'fewest_calls' then
  score = tonumber(redis.call('HGET', KEYS[1], 'calls_today') or '0') * 1e13 + score
end
for i = 3, #KEYS do
  redis.call('ZADD', KEYS[i], string.format('%d', score), ARGV[1])
end
redis.call('XADD', KEYS[2], '*', 'type', 'volunteer_state', 'volunteer', ARGV[1], 't', ARGV[2],
  'from', 'wrapup', 'to', 'available', 'reason', '')
return 'available'
