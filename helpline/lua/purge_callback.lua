-- purge_callback: retention for one callback request. A finished one (done, unreachable)
-- keeps no number; one still open after the retention period is dropped from its line.
-- KEYS[1] callback hash   KEYS[2] scheduled callbacks   KEYS[3] its waiting line
-- args: member (b:<id>)   cutoff (ms: retention)
-- Returns 'scrubbed', 'expired' or 'kept'.
local state = redis.call('HGET', KEYS[1], 'state') or ''
if state == 'done' or state == 'unreachable' then
  if redis.call('HDEL', KEYS[1], 'number') == 1 then
    return 'scrubbed'
  end
  return 'kept'
end
local arrival = tonumber(redis.call('HGET', KEYS[1], 'arrival') or '0')
if arrival < tonumber(args.cutoff) and state ~= 'offered' and state ~= 'connecting' and state ~= 'on_call' then
  redis.call('ZREM', KEYS[2], args.member)
  redis.call('ZREM', KEYS[3], args.member)
  redis.call('DEL', KEYS[1])
  return 'expired'
end
return 'kept'
