-- release_callback: a callback request that has come due joins its line, keeping its arrival
-- and gaining the due-callback priority bonus.
-- KEYS[1] callbacks not yet due (zset)   KEYS[2] callback hash   KEYS[3] its line
-- KEYS[4] event stream
-- args: member   now (ms)   bonus (priority)   span (of scores)
-- Returns 'released', or 'not-due' / 'gone'.
-- uses: arrival_of
local due = redis.call('ZSCORE', KEYS[1], args.member)
if not due then
  return 'gone'
end
if tonumber(due) > tonumber(args.now) then
  return 'not-due'
end
redis.call('ZREM', KEYS[1], args.member)
if redis.call('HGET', KEYS[2], 'state') ~= 'waiting' then
  return 'gone'
end
local score = tonumber(redis.call('HGET', KEYS[2], 'score'))
score = math.max(arrival_of(score, args.span), score - tonumber(args.bonus) * tonumber(args.span))
redis.call('HSET', KEYS[2], 'score', string.format('%d', score))
redis.call('ZADD', KEYS[3], string.format('%d', score), args.member)
redis.call('XADD', KEYS[4], '*', 'type', 'callback_due', 'member', args.member, 't', args.now,
  'topic', redis.call('HGET', KEYS[2], 'topic') or '')
return 'released'
