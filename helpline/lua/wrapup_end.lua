-- wrapup_end: the wrap-up form was sent or the wrap-up time passed: available again. While
-- the form holds unsaved input (hold_for), the time passing does not end the wrap-up before
-- wrapup_limit; at the limit the volunteer is paused instead of given a caller (they may have
-- left their screen mid-sentence).
-- KEYS[1] volunteer hash   KEYS[2] event stream   KEYS[3..] the volunteer's availability sets
-- args: volunteer (id)   now (ms)   strategy (routing)   only_if_due (true: not before
-- wrapup_until)   limit_reason (the pause reason at the limit)
-- Returns the state afterwards; 'held' (unsaved input, the limit not reached) or 'stale'
-- (not in wrap-up or not yet due) change nothing. A volunteer marked 'retire' (disabled
-- during a call) goes offline.
-- uses: make_available
if redis.call('HGET', KEYS[1], 'state') ~= 'wrapup' then
  return 'stale'
end
local now = tonumber(args.now)
local new, reason = 'available', ''
if args.only_if_due then
  if now < tonumber(redis.call('HGET', KEYS[1], 'wrapup_until') or '0') then
    return 'stale'
  end
  if (redis.call('HGET', KEYS[1], 'hold_for') or '') ~= '' then
    if now < tonumber(redis.call('HGET', KEYS[1], 'wrapup_limit') or '0') then
      return 'held'
    end
    new, reason = 'paused', args.limit_reason
  end
end
redis.call('HDEL', KEYS[1], 'wrapup_until', 'wrapup_limit', 'hold_for')
if redis.call('HGET', KEYS[1], 'retire') == '1' then
  -- disabled during the call: the call could finish, but no more callers
  new, reason = 'offline', 'disabled'
  redis.call('HDEL', KEYS[1], 'retire')
end
if new == 'available' then
  make_available(KEYS[1], args.volunteer, {unpack(KEYS, 3)}, args.now, args.strategy)
elseif new == 'paused' then
  redis.call('HSET', KEYS[1], 'state', new, 'state_since', args.now, 'paused_reason', reason)
else
  redis.call('HSET', KEYS[1], 'state', new, 'state_since', args.now)
end
redis.call('XADD', KEYS[2], '*', 'type', 'volunteer_state', 'volunteer', args.volunteer,
  't', args.now, 'from', 'wrapup', 'to', new, 'reason', reason)
return new
