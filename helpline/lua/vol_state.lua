-- vol_state: a volunteer goes available, paused or offline (not while offered or in a call).
-- KEYS[1] volunteer hash   KEYS[2] event stream   KEYS[3..] the volunteer's availability sets
-- ARGV[1] volunteer id   ARGV[2] new state   ARGV[3] now (ms)   ARGV[4] pause reason
-- ARGV[5] routing strategy ('longest_idle' or 'fewest_calls')   ARGV[6] today (YYYY-MM-DD)
-- Returns the state after the change, or 'busy' when an offer or call is in progress.
local state = redis.call('HGET', KEYS[1], 'state') or 'offline'
if state == 'offered' or state == 'connecting' or state == 'on_call' then
  return 'busy'
end
local new = ARGV[2]
if state == new and new ~= 'paused' then
  return state
end
if redis.call('HGET', KEYS[1], 'calls_day') ~= ARGV[6] then
  redis.call('HSET', KEYS[1], 'calls_day', ARGV[6], 'calls_today', 0)
end
redis.call('HSET', KEYS[1], 'state', new, 'state_since', ARGV[3], 'notice', '')
if new == 'available' then
  redis.call('HSET', KEYS[1], 'idle_since', ARGV[3], 'missed', 0, 'paused_reason', '')
  local score = tonumber(ARGV[3])
  if ARGV[5] == 'fewest_calls' then
    score = tonumber(redis.call('HGET', KEYS[1], 'calls_today') or '0') * 1e13 + score
  end
  for i = 3, #KEYS do
    redis.call('ZADD', KEYS[i], string.format('%d', score), ARGV[1])
  end
else
  redis.call('HSET', KEYS[1], 'paused_reason', new == 'paused' and ARGV[4] or '')
  redis.call('HDEL', KEYS[1], 'wrapup_until')
  for i = 3, #KEYS do
    redis.call('ZREM', KEYS[i], ARGV[1])
  end
end
redis.call('XADD', KEYS[2], '*', 'type', 'volunteer_state', 'volunteer', ARGV[1], 't', ARGV[3],
  'from', state, 'to', new, 'reason', ARGV[4])
return new
