-- call_done: the conversation is over. The party is done (a callback forgets its number), the
-- volunteer goes to wrap-up until ARGV[4].
-- KEYS[1] volunteer hash   KEYS[2] party hash   KEYS[3] event stream
-- ARGV[1] volunteer id   ARGV[2] member   ARGV[3] now (ms)   ARGV[4] wrap-up until (ms)
-- ARGV[5] today (YYYY-MM-DD)
-- Returns 'wrapup', or 'stale' when this call is not the volunteer's current one.
if redis.call('HGET', KEYS[1], 'offer') ~= ARGV[2] or redis.call('HGET', KEYS[1], 'state') ~= 'on_call' then
  return 'stale'
end
local talk = tonumber(ARGV[3]) - tonumber(redis.call('HGET', KEYS[2], 'connected_at') or ARGV[3])
redis.call('HSET', KEYS[2], 'state', 'done', 'done_at', ARGV[3], 'talk_ms', talk)
redis.call('HDEL', KEYS[2], 'number')
if redis.call('HGET', KEYS[1], 'calls_day') ~= ARGV[5] then
  redis.call('HSET', KEYS[1], 'calls_day', ARGV[5], 'calls_today', 0)
end
redis.call('HINCRBY', KEYS[1], 'calls_today', 1)
redis.call('HDEL', KEYS[1], 'offer', 'offer_key', 'offer_line', 'offer_expires', 'offer_widened',
  'leg')
redis.call('HSET', KEYS[1], 'state', 'wrapup', 'state_since', ARGV[3], 'wrapup_until', ARGV[4],
  'missed', 0, 'last_call', ARGV[2])
redis.call('XADD', KEYS[3], '*', 'type', 'completed', 'member', ARGV[2], 'volunteer', ARGV[1],
  't', ARGV[3], 'talk_ms', talk, 'topic', redis.call('HGET', KEYS[2], 'topic') or '')
return 'wrapup'
