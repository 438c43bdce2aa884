-- leave_queue: a waiting caller leaves the line without a callback (the hold limit was reached
-- and there is no number to call back). Their wait is recorded.
-- KEYS[1] call hash   KEYS[2] waiting list of the topic   KEYS[3] event stream
-- args: sid (call)   member (its id in the list)   now (ms)   line (the list key as read)
-- reason
-- Returns the state after the change.
-- uses: leave_line
local state, wait = leave_line(KEYS[1], KEYS[2], args.line, args.member, args.now,
  'left', 'left_reason', args.reason)
if state then
  return state
end
redis.call('XADD', KEYS[3], '*', 'type', 'left_queue', 'call', args.sid, 't', args.now,
  'topic', redis.call('HGET', KEYS[1], 'topic') or '', 'reason', args.reason, 'wait_ms', wait)
return 'left'
