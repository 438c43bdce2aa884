-- party_gone: the caller hung up (or a callback was withdrawn) while offered or connecting.
-- The offer disappears at once; the volunteer is available again (not counted as missed).
-- KEYS[1] volunteer hash   KEYS[2] party hash   KEYS[3] event stream
-- KEYS[4..] the volunteer's availability sets
-- ARGV[1] volunteer id   ARGV[2] member   ARGV[3] now (ms)   ARGV[4] routing strategy
-- ARGV[5] score span   ARGV[6] final party state ('abandoned')
-- Returns {volunteer state afterwards, the volunteer's phone leg to cancel or ''}.
local pstate = redis.call('HGET', KEYS[2], 'state')
if pstate ~= 'offered' and pstate ~= 'connecting' then
  return {'stale', ''}
end
local arrival = tonumber(redis.call('HGET', KEYS[2], 'score')) % tonumber(ARGV[5])
local wait = tonumber(ARGV[3]) - arrival
redis.call('HSET', KEYS[2], 'state', ARGV[6], 'ended_at', ARGV[3], 'wait_ms', wait)
redis.call('XADD', KEYS[3], '*', 'type', 'abandoned', 'member', ARGV[2], 't', ARGV[3],
  'wait_ms', wait, 'topic', redis.call('HGET', KEYS[2], 'topic') or '', 'during', pstate)
local leg = redis.call('HGET', KEYS[1], 'leg') or ''
if redis.call('HGET', KEYS[1], 'offer') ~= ARGV[2] then
  return {'untouched', ''}
end
redis.call('HDEL', KEYS[1], 'offer', 'offer_key', 'offer_line', 'offer_expires', 'offer_widened',
  'leg')
redis.call('HSET', KEYS[1], 'state', 'available', 'state_since', ARGV[3], 'idle_since', ARGV[3],
  'notice', 'caller_hung_up')
local score = tonumber(ARGV[3])
if ARGV[4] == 'fewest_calls' then
  score = tonumber(redis.call('HGET', KEYS[1], 'calls_today') or '0') * 1e13 + score
end
for i = 4, #KEYS do
  redis.call('ZADD', KEYS[i], string.format('%d', score), ARGV[1])
end
redis.call('XADD', KEYS[3], '*', 'type', 'offer_ended', 'reason', 'caller_hung_up',
  'member', ARGV[2], 'volunteer', ARGV[1], 't', ARGV[3], 'volunteer_state', 'available')
return {'available', leg}
