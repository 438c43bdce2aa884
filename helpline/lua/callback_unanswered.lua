-- callback_unanswered: the citizen did not answer a callback. Another try is scheduled
-- (keeping their place) until the tries run out; then the request is recorded as
-- unreachable and its number forgotten. The volunteer is free again (not counted as missed).
-- KEYS[1] volunteer hash   KEYS[2] callback hash   KEYS[3] callbacks not yet due (zset)
-- KEYS[4] event stream   KEYS[5..] the volunteer's availability sets
-- ARGV[1] volunteer id   ARGV[2] member   ARGV[3] now (ms)   ARGV[4] maximum tries
-- ARGV[5] next try at (ms)   ARGV[6] routing strategy   ARGV[7] why (no-answer, busy, ...)
-- Returns {callback state afterwards, the volunteer's leg to end}, or {'stale', ''}.
if redis.call('HGET', KEYS[1], 'offer') ~= ARGV[2] or redis.call('HGET', KEYS[1], 'state') ~= 'connecting' then
  return {'stale', ''}
end
if redis.call('HGET', KEYS[2], 'state') ~= 'connecting' then
  return {'stale', ''}
end
local tries = tonumber(redis.call('HGET', KEYS[2], 'attempts') or '0')
local result
if tries >= tonumber(ARGV[4]) then
  result = 'unreachable'
  redis.call('HSET', KEYS[2], 'state', 'unreachable', 'status', 'unreachable', 'ended_at', ARGV[3])
  redis.call('HDEL', KEYS[2], 'number', 'offered_to', 'offered_at', 'volunteer_leg', 'citizen_leg')
  redis.call('XADD', KEYS[4], '*', 'type', 'callback_unreachable', 'member', ARGV[2],
    't', ARGV[3], 'attempts', tries, 'topic', redis.call('HGET', KEYS[2], 'topic') or '')
else
  result = 'retry'
  redis.call('HSET', KEYS[2], 'state', 'waiting', 'due_at', ARGV[5])
  redis.call('HDEL', KEYS[2], 'offered_to', 'offered_at', 'volunteer_leg', 'citizen_leg')
  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[2])
  redis.call('XADD', KEYS[4], '*', 'type', 'callback_retry', 'member', ARGV[2], 't', ARGV[3],
    'attempts', tries, 'next', ARGV[5], 'why', ARGV[7])
end
local leg = redis.call('HGET', KEYS[1], 'leg') or ''
redis.call('HDEL', KEYS[1], 'offer', 'offer_key', 'offer_line', 'offer_expires', 'offer_widened',
  'leg')
redis.call('HSET', KEYS[1], 'state', 'available', 'state_since', ARGV[3], 'idle_since', ARGV[3],
  'notice', 'citizen_unreachable')
local score = tonumber(ARGV[3])
if ARGV[6] == 'fewest_calls' then
  score = tonumber(redis.call('HGET', KEYS[1], 'calls_today') or '0') * 1e13 + score
end
for i = 5, #KEYS do
  redis.call('ZADD', KEYS[i], string.format('%d', score), ARGV[1])
end
return {result, leg}
