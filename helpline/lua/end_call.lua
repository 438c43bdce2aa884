-- end_call: the caller's call is over (a final status callback, or a hang-up in the queue).
-- A waiting caller leaves the list at once and counts as abandoned with their wait; a call
-- with no state never reached the line and ended in the menu; any other call is marked ended.
-- Safe to run twice and in any order with other callbacks.
-- KEYS[1] call hash   KEYS[2] waiting list of the call's topic   KEYS[3] event stream
-- KEYS[4] the number the caller was typing for a callback (gone with the call)
-- ARGV[1] call sid   ARGV[2] now (ms)   ARGV[3] the waiting list the caller thinks the call is in ('' none)
-- ARGV[4] final call status   ARGV[5] ttl of the call hash (s)   ARGV[6] caller pseudonym
-- ARGV[7] region   ARGV[8] call duration (s, '' if unknown)   ARGV[9] open ('1'/'0')
-- Returns the state after the change, or 'moved' when ARGV[3] is stale (read again, retry).
redis.call('DEL', KEYS[4])
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  redis.call('HSET', KEYS[1], 'state', 'ended', 'ended_at', ARGV[2], 'final_status', ARGV[4],
    'caller', ARGV[6], 'region', ARGV[7], 'open', ARGV[9])
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  redis.call('XADD', KEYS[3], '*', 'type', 'ended_in_menu', 'call', ARGV[1], 't', ARGV[2],
    'caller', ARGV[6], 'region', ARGV[7], 'duration_s', ARGV[8], 'open', ARGV[9],
    'status', ARGV[4])
  return 'ended'
end
if (redis.call('HGET', KEYS[1], 'line') or '') ~= ARGV[3] then
  return 'moved'
end
if redis.call('HEXISTS', KEYS[1], 'ended_at') == 1 then
  return state
end
redis.call('HSET', KEYS[1], 'ended_at', ARGV[2], 'final_status', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
if state == 'waiting' then
  redis.call('ZREM', KEYS[2], 'c:' .. ARGV[1])
  local wait = tonumber(ARGV[2]) - tonumber(redis.call('HGET', KEYS[1], 'enqueued_at'))
  redis.call('HSET', KEYS[1], 'state', 'abandoned', 'wait_ms', wait)
  redis.call('XADD', KEYS[3], '*', 'type', 'abandoned', 'call', ARGV[1], 't', ARGV[2],
    'topic', redis.call('HGET', KEYS[1], 'topic') or '', 'wait_ms', wait)
  return 'abandoned'
end
redis.call('XADD', KEYS[3], '*', 'type', 'call_ended', 'call', ARGV[1], 't', ARGV[2],
  'state', state, 'status', ARGV[4])
return state
