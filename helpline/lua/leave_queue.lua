-- leave_queue: a waiting caller leaves the line without a callback (the hold limit was reached
-- and there is no number to call back). Their wait is recorded.
-- KEYS[1] call hash   KEYS[2] waiting list of the topic   KEYS[3] event stream
-- ARGV[1] call sid   ARGV[2] now (ms)   ARGV[3] waiting list key   ARGV[4] reason
-- Returns the state after the change.
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'waiting' then
  return state or 'unknown'
end
if redis.call('HGET', KEYS[1], 'line') ~= ARGV[3] then
  return 'moved'
end
redis.call('ZREM', KEYS[2], 'c:' .. ARGV[1])
local wait = tonumber(ARGV[2]) - tonumber(redis.call('HGET', KEYS[1], 'enqueued_at'))
redis.call('HSET', KEYS[1], 'state', 'left', 'left_reason', ARGV[4], 'wait_ms', wait)
redis.call('XADD', KEYS[3], '*', 'type', 'left_queue', 'call', ARGV[1], 't', ARGV[2],
  'topic', redis.call('HGET', KEYS[1], 'topic') or '', 'reason', ARGV[4], 'wait_ms', wait)
return 'left'
