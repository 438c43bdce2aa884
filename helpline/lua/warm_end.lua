-- warm_end: a warm hand-over ends without handing over: the colleague did not answer, hung
-- up before the first volunteer left, or the first volunteer's call ended first. The
-- colleague is free again (not counted as missed: nobody offered them a caller); the caller
-- is (still) with the first volunteer.
-- KEYS[1] volunteer hash   KEYS[2] colleague's hash   KEYS[3] party hash   KEYS[4] events
-- KEYS[5..] the colleague's availability sets
-- args: volunteer (id)   colleague (id)   member   now (ms)   strategy (routing)   reason
-- Returns {the colleague's state afterwards, their phone leg to end}, or {'stale', ''}.
-- uses: clear_offer, make_available
if redis.call('HGET', KEYS[2], 'offer') ~= args.member
    or redis.call('HGET', KEYS[2], 'offer_warm') ~= args.volunteer then
  return {'stale', ''}
end
local leg = redis.call('HGET', KEYS[2], 'leg') or ''
clear_offer(KEYS[2])
make_available(KEYS[2], args.colleague, {unpack(KEYS, 5)}, args.now, args.strategy)
if redis.call('HGET', KEYS[3], 'warm_to') == args.colleague then
  redis.call('HDEL', KEYS[3], 'warm_to', 'warm_joined', 'on_hold')  -- taken off hold too
end
if redis.call('HGET', KEYS[1], 'handover') == args.colleague then
  redis.call('HDEL', KEYS[1], 'handover')
end
redis.call('XADD', KEYS[4], '*', 'type', 'handover_ended', 'reason', args.reason,
  'member', args.member, 'volunteer', args.volunteer, 'colleague', args.colleague,
  't', args.now)
return {'available', leg}
