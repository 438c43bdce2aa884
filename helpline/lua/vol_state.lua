-- vol_state: a volunteer goes available, paused or offline (not while offered or in a call).
-- KEYS[1] volunteer hash   KEYS[2] event stream   KEYS[3..] the volunteer's availability sets
-- args: volunteer (id)   state (the new one)   now (ms)   reason (of a pause)
-- strategy (routing)   today (YYYY-MM-DD)
-- Returns the state after the change, or 'busy' when an offer or call is in progress.
-- uses: start_day, make_available
local state = redis.call('HGET', KEYS[1], 'state') or 'offline'
if state == 'offered' or state == 'connecting' or state == 'on_call' then
  return 'busy'
end
local new = args.state
if state == new and new ~= 'paused' then
  return state
end
start_day(KEYS[1], args.today)
redis.call('HSET', KEYS[1], 'state', new, 'state_since', args.now, 'notice', '')
redis.call('HDEL', KEYS[1], 'hold_for', 'wrapup_limit')
if new == 'available' then
  redis.call('HSET', KEYS[1], 'missed', 0, 'paused_reason', '')
  make_available(KEYS[1], args.volunteer, {unpack(KEYS, 3)}, args.now, args.strategy)
else
  redis.call('HSET', KEYS[1], 'paused_reason', new == 'paused' and args.reason or '')
  redis.call('HDEL', KEYS[1], 'wrapup_until')
  for i = 3, #KEYS do
    redis.call('ZREM', KEYS[i], args.volunteer)
  end
end
redis.call('XADD', KEYS[2], '*', 'type', 'volunteer_state', 'volunteer', args.volunteer,
  't', args.now, 'from', state, 'to', new, 'reason', args.reason)
return new
