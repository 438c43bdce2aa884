-- call_done: the conversation is over. The party is done (a callback forgets its number), the
-- volunteer goes to wrap-up until ARGV[4].
-- It also keeps the volunteer's record of the conversation (for "my calls" and the wrap-up).
-- KEYS[1] volunteer hash   KEYS[2] party hash   KEYS[3] event stream
-- KEYS[4] handled-call record   KEYS[5] the volunteer's list of handled calls
-- ARGV[1] volunteer id   ARGV[2] member   ARGV[3] now (ms)   ARGV[4] wrap-up until (ms)
-- ARGV[5] today (YYYY-MM-DD)   ARGV[6] how long records are kept (s)   ARGV[7] priority span
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
local party = redis.call('HMGET', KEYS[2], 'topic', 'lang', 'repeat', 'referral', 'score',
  'connected_at')
local arrival = math.fmod(tonumber(party[5] or '0'), tonumber(ARGV[7]))
local waited = math.max(0, tonumber(party[6] or ARGV[3]) - arrival)
redis.call('HSET', KEYS[4], 'member', ARGV[2], 'volunteer', ARGV[1], 'topic', party[1] or '',
  'lang', party[2] or '', 'repeat', party[3] or '0', 'referral', party[4] or '',
  'waited_ms', string.format('%d', waited), 'talk_ms', talk, 'done_at', ARGV[3], 'wrapped', '0')
redis.call('EXPIRE', KEYS[4], ARGV[6])
redis.call('ZADD', KEYS[5], ARGV[3], ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[5], 0, -501)
redis.call('EXPIRE', KEYS[5], ARGV[6])
redis.call('XADD', KEYS[3], '*', 'type', 'completed', 'member', ARGV[2], 'volunteer', ARGV[1],
  't', ARGV[3], 'talk_ms', talk, 'topic', redis.call('HGET', KEYS[2], 'topic') or '')
return 'wrapup'
