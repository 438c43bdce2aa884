-- callback_unanswered: the citizen did not answer a callback. Another try is scheduled
-- (keeping their place) until the tries run out; then the request is recorded as
-- unreachable and its number forgotten. The volunteer is free again (not counted as missed).
-- KEYS[1] volunteer hash   KEYS[2] callback hash   KEYS[3] callbacks not yet due (zset)
-- KEYS[4] event stream   KEYS[5..] the volunteer's availability sets
-- args: volunteer (id)   member   now (ms)   max_tries   next_try (ms)   strategy (routing)
-- why (no-answer, busy, ...)
-- Returns {callback state afterwards, the volunteer's leg to end}, or {'stale', ''}.
-- uses: still_connecting, clear_party_offer, clear_offer, make_available
if not still_connecting(KEYS[1], KEYS[2], args.member) then
  return {'stale', ''}
end
local tries = tonumber(redis.call('HGET', KEYS[2], 'attempts') or '0')
local result
if tries >= tonumber(args.max_tries) then
  result = 'unreachable'
  redis.call('HSET', KEYS[2], 'state', 'unreachable', 'status', 'unreachable',
    'ended_at', args.now)
  redis.call('HDEL', KEYS[2], 'number')
  redis.call('XADD', KEYS[4], '*', 'type', 'callback_unreachable', 'member', args.member,
    't', args.now, 'attempts', tries, 'topic', redis.call('HGET', KEYS[2], 'topic') or '')
else
  result = 'retry'
  redis.call('HSET', KEYS[2], 'state', 'waiting', 'due_at', args.next_try)
  redis.call('ZADD', KEYS[3], args.next_try, args.member)
  redis.call('XADD', KEYS[4], '*', 'type', 'callback_retry', 'member', args.member,
    't', args.now, 'attempts', tries, 'next', args.next_try, 'why', args.why)
end
clear_party_offer(KEYS[2])
local leg = redis.call('HGET', KEYS[1], 'leg') or ''
clear_offer(KEYS[1])
make_available(KEYS[1], args.volunteer, {unpack(KEYS, 5)}, args.now, args.strategy)
redis.call('HSET', KEYS[1], 'notice', 'citizen_unreachable')
return {result, leg}
