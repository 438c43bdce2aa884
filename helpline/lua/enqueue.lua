-- enqueue: put a caller in their topic's waiting list, once. The call hash is created here
-- (nothing is stored while a caller is in the menu); a call that already has a state
-- (waiting, called back, ended) is left as is, so a redelivery cannot queue them twice.
-- Priority rule: a caller who called about the same topic within the repeat window gets the
-- repeat bonus. Order in the list: priority first, then arrival (see keys.score).
-- KEYS[1] call hash   KEYS[2] waiting list (zset) of the topic and language   KEYS[3] events
-- KEYS[4] caller history hash (topic -> last call ms)
-- KEYS[5] the menu steps the call was presented (space-separated), carried on the event
-- args: sid (call)   member (its id in the list)   now (ms)   arrival (ms)   topic   lang
-- priority (base)   referral ('' if none)   repeat_window (ms)   repeat_bonus
-- call_ttl, history_ttl (s)   caller (pseudonym, '' if unknown)   region
-- span (of scores)   max_priority   ask_referral (true: ask who sent them while they wait)
-- The referral questions are asked once per caller: not again to a caller asked within the
-- repeat window (the history's 'referral_asked'); the call is marked ask_ref '1' or '0'.
-- Returns {state, arrival ms, ahead (people before this caller), repeat '1'/'0'}; the state is
-- 'queued' when this call just joined the line (a redelivery sees 'waiting').
local state = redis.call('HGET', KEYS[1], 'state')
if state then
  local rank = redis.call('ZRANK', KEYS[2], args.member)
  return {state, redis.call('HGET', KEYS[1], 'enqueued_at') or '', rank or -1,
    redis.call('HGET', KEYS[1], 'repeat') or '0'}
end
redis.call('HSET', KEYS[1], 'caller', args.caller, 'region', args.region)
local now = tonumber(args.now)
local priority = tonumber(args.priority)
local repeat_caller = '0'
local ask_ref = args.ask_referral and '1' or '0'
if args.caller ~= '' then
  local asked = tonumber(redis.call('HGET', KEYS[4], 'referral_asked') or '0')
  if asked > 0 and now - asked <= tonumber(args.repeat_window) then
    ask_ref = '0'
  elseif ask_ref == '1' then
    redis.call('HSET', KEYS[4], 'referral_asked', args.now)
  end
  local last = tonumber(redis.call('HGET', KEYS[4], args.topic) or '0')
  if last > 0 and now - last <= tonumber(args.repeat_window) then
    repeat_caller = '1'
    priority = priority + tonumber(args.repeat_bonus)
  end
  redis.call('HSET', KEYS[4], args.topic, args.now)
  redis.call('EXPIRE', KEYS[4], args.history_ttl)
end
local max_priority = tonumber(args.max_priority)
priority = math.max(0, math.min(max_priority, priority))
local score = string.format('%d',
  (max_priority - priority) * tonumber(args.span) + tonumber(args.arrival))
redis.call('HSET', KEYS[1], 'state', 'waiting', 'topic', args.topic, 'lang', args.lang,
  'priority', priority, 'referral', args.referral, 'repeat', repeat_caller,
  'enqueued_at', args.arrival, 'line', KEYS[2], 'score', score, 'ask_ref', ask_ref)
redis.call('EXPIRE', KEYS[1], args.call_ttl)
redis.call('ZADD', KEYS[2], score, args.member)
local path = redis.call('GET', KEYS[5]) or ''
redis.call('DEL', KEYS[5])
redis.call('XADD', KEYS[3], '*', 'type', 'queued', 'call', args.sid, 't', args.now,
  'arrival', args.arrival, 'topic', args.topic, 'lang', args.lang, 'priority', priority,
  'referral', args.referral, 'repeat', repeat_caller, 'caller', args.caller,
  'region', args.region, 'path', path)
return {'queued', args.arrival, redis.call('ZRANK', KEYS[2], args.member), repeat_caller}
