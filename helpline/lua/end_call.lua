-- end_call: the caller's call is over (a final status callback, or a hang-up in the queue).
-- A waiting caller leaves the list at once and counts as abandoned with their wait; a call
-- with no state never reached the line and ended in the menu; any other call is marked ended.
-- Safe to run twice and in any order with other callbacks.
-- KEYS[1] call hash   KEYS[2] waiting list of the call's topic   KEYS[3] event stream
-- KEYS[4] the number the caller was typing for a callback (gone with the call)
-- KEYS[5] the menu steps the call was presented (space-separated; the last is where a caller
-- who ends in the menu left)
-- args: sid (call)   member (its id in the list)   now (ms)
-- line (the waiting list the caller thinks the call is in, '' none)   status (final)
-- ttl (of the call hash, s)   caller (pseudonym)   region   duration ('' if unknown, s)
-- open ('1'/'0')
-- Returns the state after the change, or 'moved' when the line is stale (read again, retry).
redis.call('DEL', KEYS[4])
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  local path = redis.call('GET', KEYS[5]) or ''
  redis.call('DEL', KEYS[5])
  local step = string.match(path, '(%S+)%s*$') or ''
  redis.call('HSET', KEYS[1], 'state', 'ended', 'ended_at', args.now, 'final_status', args.status,
    'caller', args.caller, 'region', args.region, 'open', args.open)
  redis.call('EXPIRE', KEYS[1], args.ttl)
  redis.call('XADD', KEYS[3], '*', 'type', 'ended_in_menu', 'call', args.sid, 't', args.now,
    'caller', args.caller, 'region', args.region, 'duration_s', args.duration,
    'open', args.open, 'status', args.status, 'step', step, 'path', path)
  return 'ended'
end
if (redis.call('HGET', KEYS[1], 'line') or '') ~= args.line then
  return 'moved'
end
if redis.call('HEXISTS', KEYS[1], 'ended_at') == 1 then
  return state
end
redis.call('HSET', KEYS[1], 'ended_at', args.now, 'final_status', args.status)
redis.call('EXPIRE', KEYS[1], args.ttl)
if state == 'waiting' then
  redis.call('ZREM', KEYS[2], args.member)
  local wait = tonumber(args.now) - tonumber(redis.call('HGET', KEYS[1], 'enqueued_at'))
  redis.call('HSET', KEYS[1], 'state', 'abandoned', 'wait_ms', wait)
  redis.call('XADD', KEYS[3], '*', 'type', 'abandoned', 'call', args.sid, 't', args.now,
    'topic', redis.call('HGET', KEYS[1], 'topic') or '', 'wait_ms', wait)
  return 'abandoned'
end
redis.call('XADD', KEYS[3], '*', 'type', 'call_ended', 'call', args.sid, 't', args.now,
  'state', state, 'status', args.status)
return state
