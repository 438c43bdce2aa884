-- to_callback: turn a caller into a callback request. A waiting caller's place (score, so
-- priority and arrival) passes to the request; a caller still in the menu (no state yet, e.g.
-- outside opening hours) gets ARGV[9].
-- The raw number lives only in the callback hash, until the callback is done.
-- KEYS[1] call hash   KEYS[2] waiting list (the call's own, or topic+language)
-- KEYS[3] callback hash
-- KEYS[4] event stream   KEYS[5] number draft   KEYS[6] callbacks not yet due (zset)
-- ARGV[1] call sid   ARGV[2] callback id   ARGV[3] now (ms)   ARGV[4] number (E.164)
-- ARGV[5] topic   ARGV[6] language   ARGV[7] due at (ms)   ARGV[8] ttl of the call hash (s)
-- ARGV[9] score when the caller was not waiting   ARGV[10] caller pseudonym   ARGV[11] region
-- ARGV[12] reason (asked, closed, queue_full, hold_limit)
-- Returns {'created' or 'exists' or the blocking state, callback id}.
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'callback' then
  return {'exists', redis.call('HGET', KEYS[1], 'callback_id')}
end
local score = ARGV[9]
local topic = ARGV[5]
if state == 'waiting' then
  topic = redis.call('HGET', KEYS[1], 'topic')
  if redis.call('HGET', KEYS[1], 'line') ~= KEYS[2] then
    return {'moved', ''}
  end
  score = redis.call('ZSCORE', KEYS[2], 'c:' .. ARGV[1]) or ARGV[9]
  redis.call('ZREM', KEYS[2], 'c:' .. ARGV[1])
elseif state then
  return {state, ''}
end
local arrival = redis.call('HGET', KEYS[1], 'enqueued_at') or ARGV[3]
if tonumber(ARGV[7]) > tonumber(ARGV[3]) then
  -- not due yet (outside opening hours): it joins its line when due, keeping its score
  redis.call('ZADD', KEYS[6], ARGV[7], 'b:' .. ARGV[2])
else
  redis.call('ZADD', KEYS[2], score, 'b:' .. ARGV[2])
end
redis.call('HSET', KEYS[3], 'id', ARGV[2], 'call', ARGV[1], 'number', ARGV[4], 'topic', topic,
  'lang', ARGV[6], 'arrival', arrival, 'requested_at', ARGV[3], 'due_at', ARGV[7],
  'status', 'pending', 'state', 'waiting', 'attempts', 0, 'caller', ARGV[10], 'region', ARGV[11],
  'referral', redis.call('HGET', KEYS[1], 'referral') or '', 'reason', ARGV[12],
  'line', KEYS[2], 'score', score)
redis.call('HSET', KEYS[1], 'state', 'callback', 'callback_id', ARGV[2], 'topic', topic)
redis.call('EXPIRE', KEYS[1], ARGV[8])
redis.call('DEL', KEYS[5])
redis.call('XADD', KEYS[4], '*', 'type', 'callback_requested', 'call', ARGV[1],
  'callback', ARGV[2], 't', ARGV[3], 'topic', topic, 'lang', ARGV[6], 'arrival', arrival,
  'due_at', ARGV[7], 'reason', ARGV[12], 'caller', ARGV[10])
return {'created', ARGV[2]}
