-- back_in_line: a caller left alone in the conversation (the volunteer hung up before they
-- joined) goes back to the front of their line, with their original arrival: the highest
-- priority, so nobody who came later is served first.
-- KEYS[1] call hash   KEYS[2] the call's waiting list (its topic and language)   KEYS[3] events
-- args: sid   member   now (ms)   span (of scores)   max_priority
-- Returns 'queued', or 'stale' when the call is not just out of a conversation.
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'answered' and state ~= 'connected' and state ~= 'done' then
  return 'stale'
end
local arrival = tonumber(redis.call('HGET', KEYS[1], 'enqueued_at') or args.now)
local score = string.format('%d', arrival)  -- (max_priority - max_priority) * span + arrival
redis.call('HDEL', KEYS[1], 'offered_to', 'offered_at', 'volunteer_leg', 'connected_at',
  'answered_at', 'done_at', 'talk_ms')
redis.call('HSET', KEYS[1], 'state', 'waiting', 'line', KEYS[2], 'score', score,
  'priority', args.max_priority, 'back_at', args.now)
redis.call('ZADD', KEYS[2], score, args.member)
redis.call('XADD', KEYS[3], '*', 'type', 'back_in_line', 'call', args.sid, 't', args.now,
  'arrival', string.format('%d', arrival),
  'topic', redis.call('HGET', KEYS[1], 'topic') or '')
return 'queued'
