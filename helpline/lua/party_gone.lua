-- party_gone: the caller hung up (or a callback was withdrawn) while offered or connecting.
-- The offer disappears at once; the volunteer is available again (not counted as missed).
-- KEYS[1] volunteer hash   KEYS[2] party hash   KEYS[3] event stream
-- KEYS[4..] the volunteer's availability sets
-- args: volunteer (id)   member   now (ms)   strategy (routing)   span (of scores)
-- final_state (of the party: 'abandoned')
-- Returns {volunteer state afterwards, the volunteer's phone leg to cancel or ''}.
-- uses: arrival_of, clear_offer, make_available
local pstate = redis.call('HGET', KEYS[2], 'state')
if pstate ~= 'offered' and pstate ~= 'connecting' then
  return {'stale', ''}
end
local wait = tonumber(args.now) - arrival_of(redis.call('HGET', KEYS[2], 'score'), args.span)
redis.call('HSET', KEYS[2], 'state', args.final_state, 'ended_at', args.now, 'wait_ms', wait)
redis.call('XADD', KEYS[3], '*', 'type', 'abandoned', 'member', args.member, 't', args.now,
  'wait_ms', wait, 'topic', redis.call('HGET', KEYS[2], 'topic') or '', 'during', pstate)
local leg = redis.call('HGET', KEYS[1], 'leg') or ''
if redis.call('HGET', KEYS[1], 'offer') ~= args.member then
  return {'untouched', ''}
end
clear_offer(KEYS[1])
make_available(KEYS[1], args.volunteer, {unpack(KEYS, 4)}, args.now, args.strategy)
redis.call('HSET', KEYS[1], 'notice', 'caller_hung_up')
redis.call('XADD', KEYS[3], '*', 'type', 'offer_ended', 'reason', 'caller_hung_up',
  'member', args.member, 'volunteer', args.volunteer, 't', args.now,
  'volunteer_state', 'available')
return {'available', leg}
