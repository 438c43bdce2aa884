-- wrapup_end: the wrap-up form was sent or the wrap-up time passed: available again.
-- KEYS[1] volunteer hash   KEYS[2] event stream   KEYS[3..] the volunteer's availability sets
-- args: volunteer (id)   now (ms)   strategy (routing)   only_if_due (true: not before
-- wrapup_until)
-- Returns the state afterwards ('stale' when not in wrap-up or not yet due); a volunteer
-- marked 'retire' (disabled during a call) goes offline.
-- uses: make_available
if redis.call('HGET', KEYS[1], 'state') ~= 'wrapup' then
  return 'stale'
end
if args.only_if_due and tonumber(args.now) < tonumber(redis.call('HGET', KEYS[1], 'wrapup_until') or '0') then
  return 'stale'
end
redis.call('HDEL', KEYS[1], 'wrapup_until')
local new, reason = 'available', ''
if redis.call('HGET', KEYS[1], 'retire') == '1' then
  -- disabled during the call: the call could finish, but no more callers
  new, reason = 'offline', 'disabled'
  redis.call('HSET', KEYS[1], 'state', 'offline', 'state_since', args.now)
  redis.call('HDEL', KEYS[1], 'retire')
else
  make_available(KEYS[1], args.volunteer, {unpack(KEYS, 3)}, args.now, args.strategy)
end
redis.call('XADD', KEYS[2], '*', 'type', 'volunteer_state', 'volunteer', args.volunteer,
  't', args.now, 'from', 'wrapup', 'to', new, 'reason', reason)
return new
