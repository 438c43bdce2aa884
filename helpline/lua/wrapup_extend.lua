-- wrapup_extend: "Meer tijd": the wrap-up of this conversation lasts longer, never past its
-- limit.
-- KEYS[1] volunteer hash   KEYS[2] event stream
-- args: volunteer (id)   record (the conversation being wrapped up)   now (ms)   extend (ms)
-- Returns {'extended' or 'limit' (no more time to give) or 'stale' (not this wrap-up),
-- the wrap-up's end (ms)}.
if redis.call('HGET', KEYS[1], 'state') ~= 'wrapup'
    or redis.call('HGET', KEYS[1], 'last_call') ~= args.record then
  return {'stale', '0'}
end
local ends = math.max(tonumber(redis.call('HGET', KEYS[1], 'wrapup_until') or '0'),
  tonumber(args.now))
local limit = tonumber(redis.call('HGET', KEYS[1], 'wrapup_limit') or '0')
if ends >= limit then
  return {'limit', string.format('%d', ends)}
end
ends = math.min(ends + tonumber(args.extend), limit)
redis.call('HSET', KEYS[1], 'wrapup_until', string.format('%d', ends))
redis.call('XADD', KEYS[2], '*', 'type', 'wrapup_extended', 'volunteer', args.volunteer,
  't', args.now, 'member', args.record)
return {'extended', string.format('%d', ends)}
