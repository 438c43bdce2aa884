-- call_done: the conversation is over. The party is done (a callback forgets its number), the
-- volunteer goes to wrap-up until wrapup_until.
-- It also keeps the volunteer's record of the conversation (for "my calls" and the wrap-up).
-- KEYS[1] volunteer hash   KEYS[2] party hash   KEYS[3] event stream
-- KEYS[4] handled-call record   KEYS[5] the volunteer's list of handled calls
-- args: volunteer (id)   member   now (ms)   wrapup_until (ms)   today (YYYY-MM-DD)
-- keep (s: how long records are kept)   span (of scores)
-- Returns 'wrapup', or 'stale' when this call is not the volunteer's current one.
-- uses: holds_offer, start_day, clear_offer, arrival_of
local now = args.now
if not holds_offer(KEYS[1], args.member, 'on_call') then
  return 'stale'
end
local talk = tonumber(now) - tonumber(redis.call('HGET', KEYS[2], 'connected_at') or now)
redis.call('HSET', KEYS[2], 'state', 'done', 'done_at', now, 'talk_ms', talk)
redis.call('HDEL', KEYS[2], 'number')
start_day(KEYS[1], args.today)
redis.call('HINCRBY', KEYS[1], 'calls_today', 1)
clear_offer(KEYS[1])
redis.call('HSET', KEYS[1], 'state', 'wrapup', 'state_since', now,
  'wrapup_until', args.wrapup_until, 'missed', 0, 'last_call', args.member)
local party = redis.call('HMGET', KEYS[2], 'topic', 'lang', 'repeat', 'referral', 'score',
  'connected_at')
local waited = math.max(0, tonumber(party[6] or now) - arrival_of(party[5] or '0', args.span))
redis.call('HSET', KEYS[4], 'member', args.member, 'volunteer', args.volunteer,
  'topic', party[1] or '', 'lang', party[2] or '', 'repeat', party[3] or '0',
  'referral', party[4] or '', 'waited_ms', string.format('%d', waited), 'talk_ms', talk,
  'done_at', now, 'wrapped', '0')
redis.call('EXPIRE', KEYS[4], args.keep)
redis.call('ZADD', KEYS[5], now, args.member)
redis.call('ZREMRANGEBYRANK', KEYS[5], 0, -501)
redis.call('EXPIRE', KEYS[5], args.keep)
redis.call('XADD', KEYS[3], '*', 'type', 'completed', 'member', args.member,
  'volunteer', args.volunteer, 't', now, 'talk_ms', talk,
  'topic', redis.call('HGET', KEYS[2], 'topic') or '')
return 'wrapup'
