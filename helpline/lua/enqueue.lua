-- enqueue: put a caller in their topic's waiting list, once. The call hash is created here
-- (nothing is stored while a caller is in the menu); a call that already has a state
-- (waiting, called back, ended) is left as is, so a redelivery cannot queue them twice.
-- Priority rule: a caller who called about the same topic within the repeat window gets the
-- repeat bonus. Order in the list: priority first, then arrival (see keys.score).
-- KEYS[1] call hash   KEYS[2] waiting list (zset) of the topic and language   KEYS[3] events
-- KEYS[4] caller history hash (topic -> last call ms)
-- ARGV[1] call sid   ARGV[2] now (ms)   ARGV[3] arrival (ms)   ARGV[4] topic   ARGV[5] language
-- ARGV[6] base priority   ARGV[7] referral ('' if none)   ARGV[8] repeat window (ms)
-- ARGV[9] repeat bonus   ARGV[10] ttl of the call hash (s)   ARGV[11] ttl of the history (s)
-- ARGV[12] caller pseudonym ('' if unknown)   ARGV[13] region
-- ARGV[14] priority span   ARGV[15] max priority
-- Returns {state, arrival ms, ahead (people before this caller), repeat '1'/'0'}; the state is
-- 'queued' when this call just joined the line (a redelivery sees 'waiting').
local state = redis.call('HGET', KEYS[1], 'state')
if state then
  local rank = redis.call('ZRANK', KEYS[2], 'c:' .. ARGV[1])
  return {state, redis.call('HGET', KEYS[1], 'enqueued_at') or '', rank or -1,
    redis.call('HGET', KEYS[1], 'repeat') or '0'}
end
redis.call('HSET', KEYS[1], 'caller', ARGV[12], 'region', ARGV[13])
local now = tonumber(ARGV[2])
local priority = tonumber(ARGV[6])
local repeat_caller = '0'
if ARGV[12] ~= '' then
  local last = tonumber(redis.call('HGET', KEYS[4], ARGV[4]) or '0')
  if last > 0 and now - last <= tonumber(ARGV[8]) then
    repeat_caller = '1'
    priority = priority + tonumber(ARGV[9])
  end
  redis.call('HSET', KEYS[4], ARGV[4], ARGV[2])
  redis.call('EXPIRE', KEYS[4], ARGV[11])
end
priority = math.max(0, math.min(tonumber(ARGV[15]), priority))
local score = (tonumber(ARGV[15]) - priority) * tonumber(ARGV[14]) + tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 'state', 'waiting', 'topic', ARGV[4], 'lang', ARGV[5],
  'priority', priority, 'referral', ARGV[7], 'repeat', repeat_caller, 'enqueued_at', ARGV[3],
  'line', KEYS[2], 'score', string.format('%d', score))
redis.call('EXPIRE', KEYS[1], ARGV[10])
redis.call('ZADD', KEYS[2], string.format('%d', score), 'c:' .. ARGV[1])
redis.call('XADD', KEYS[3], '*', 'type', 'queued', 'call', ARGV[1], 't', ARGV[2],
  'arrival', ARGV[3], 'topic', ARGV[4], 'lang', ARGV[5], 'priority', priority,
  'referral', ARGV[7], 'repeat', repeat_caller, 'caller', ARGV[12], 'region', ARGV[13])
return {'queued', ARGV[3], redis.call('ZRANK', KEYS[2], 'c:' .. ARGV[1]), repeat_caller}
