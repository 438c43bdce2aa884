-- to_callback: turn a caller into a callback request. A waiting caller's place (score, so
-- priority and arrival) passes to the request; a caller still in the menu (no state yet, e.g.
-- outside opening hours) gets the score given.
-- The raw number lives only in the callback hash, until the callback is done.
-- KEYS[1] call hash   KEYS[2] waiting list (the call's own, or topic+language)
-- KEYS[3] callback hash
-- KEYS[4] event stream   KEYS[5] number draft   KEYS[6] callbacks not yet due (zset)
-- args: sid (call)   member (the call's id in the list)   callback (id)
-- callback_member (the request's id in the list)   now (ms)   number (E.164)   topic   lang
-- due (ms)   ttl (of the call hash, s)   score (when the caller was not waiting)
-- caller (pseudonym)   region   reason (asked, closed, queue_full, hold_limit)
-- Returns {'created' or 'exists' or the blocking state, callback id}.
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'callback' then
  return {'exists', redis.call('HGET', KEYS[1], 'callback_id')}
end
local score = args.score
local topic = args.topic
if state == 'waiting' then
  topic = redis.call('HGET', KEYS[1], 'topic')
  if redis.call('HGET', KEYS[1], 'line') ~= KEYS[2] then
    return {'moved', ''}
  end
  score = redis.call('ZSCORE', KEYS[2], args.member) or args.score
  redis.call('ZREM', KEYS[2], args.member)
elseif state then
  return {state, ''}
end
local arrival = redis.call('HGET', KEYS[1], 'enqueued_at') or args.now
if tonumber(args.due) > tonumber(args.now) then
  -- not due yet (outside opening hours): it joins its line when due, keeping its score
  redis.call('ZADD', KEYS[6], args.due, args.callback_member)
else
  redis.call('ZADD', KEYS[2], score, args.callback_member)
end
redis.call('HSET', KEYS[3], 'id', args.callback, 'call', args.sid, 'number', args.number,
  'topic', topic, 'lang', args.lang, 'arrival', arrival, 'requested_at', args.now,
  'due_at', args.due, 'status', 'pending', 'state', 'waiting', 'attempts', 0,
  'caller', args.caller, 'region', args.region,
  'referral', redis.call('HGET', KEYS[1], 'referral') or '', 'reason', args.reason,
  'line', KEYS[2], 'score', score)
redis.call('HSET', KEYS[1], 'state', 'callback', 'callback_id', args.callback, 'topic', topic)
redis.call('EXPIRE', KEYS[1], args.ttl)
redis.call('DEL', KEYS[5])
redis.call('XADD', KEYS[4], '*', 'type', 'callback_requested', 'call', args.sid,
  'callback', args.callback, 't', args.now, 'topic', topic, 'lang', args.lang,
  'arrival', arrival, 'due_at', args.due, 'reason', args.reason, 'caller', args.caller)
return {'created', args.callback}
