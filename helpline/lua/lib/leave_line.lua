-- leave_line: a waiting caller leaves their line (answered, or gave up waiting) for new_state,
-- with one more field and their wait recorded. Returns nil and the wait (ms); or, changing
-- nothing, the state to report: the call's state when it is not waiting, 'moved' when it
-- waits in another line than the one the caller read.
local function leave_line(call_key, line_key, line_read, member, now, new_state, field, value)
  local state = redis.call('HGET', call_key, 'state')
  if state ~= 'waiting' then
    return state or 'unknown'
  end
  if redis.call('HGET', call_key, 'line') ~= line_read then
    return 'moved'
  end
  redis.call('ZREM', line_key, member)
  local wait = tonumber(now) - tonumber(redis.call('HGET', call_key, 'enqueued_at'))
  redis.call('HSET', call_key, 'state', new_state, field, value, 'wait_ms', wait)
  return nil, wait
end
