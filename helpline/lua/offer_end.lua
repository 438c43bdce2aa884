-- offer_end: an offer or connection attempt ends without a conversation (declined, timed out,
-- the volunteer's phone did not answer or only voicemail did, the volunteer went away). The
-- caller goes back to their line with the same score; the volunteer is not offered the same
-- caller again before skip_until; after max_missed missed offers in a row they are paused.
-- KEYS[1] volunteer hash   KEYS[2] party hash   KEYS[3] the party's line   KEYS[4] events
-- KEYS[5..] the volunteer's availability sets
-- args: volunteer (id)   member   now (ms)   reason   max_missed   skip_until (ms)
-- missed (true when it counts as missed)   next_state ('' = available unless paused for
-- missing)   strategy (routing)   missed_reason (the pause reason when missed too often)
-- during (the volunteer state this ending applies to: 'offered' or 'connecting')
-- Returns {the volunteer's state afterwards, their phone leg, the citizen leg of a callback}
-- (legs to cancel, '' if none), or {'stale', '', ''} when this offer is not current.
-- uses: holds_offer, clear_party_offer, clear_offer, make_available
if not holds_offer(KEYS[1], args.member, args.during) then
  return {'stale', '', ''}
end
local leg = redis.call('HGET', KEYS[1], 'leg') or ''
local citizen_leg = redis.call('HGET', KEYS[2], 'citizen_leg') or ''
local pstate = redis.call('HGET', KEYS[2], 'state')
if (pstate == 'offered' or pstate == 'connecting') and redis.call('HGET', KEYS[2], 'offered_to') == args.volunteer then
  if redis.call('HEXISTS', KEYS[2], 'ended_at') == 1 then
    -- the caller hung up meanwhile: never back in line
    redis.call('HSET', KEYS[2], 'state', 'abandoned')
  else
    redis.call('ZADD', KEYS[3], redis.call('HGET', KEYS[2], 'score'), args.member)
    redis.call('HSET', KEYS[2], 'state', 'waiting')
  end
  clear_party_offer(KEYS[2])
end
local missed = tonumber(redis.call('HGET', KEYS[1], 'missed') or '0')
if args.missed then
  missed = missed + 1
end
clear_offer(KEYS[1])
redis.call('HSET', KEYS[1], 'missed', missed, 'skip', args.member, 'skip_until', args.skip_until,
  'state_since', args.now, 'notice', args.reason)
local new = args.next_state
if new == '' then
  if missed >= tonumber(args.max_missed) then
    new = 'paused'
    redis.call('HSET', KEYS[1], 'paused_reason', args.missed_reason)
  else
    new = 'available'
  end
end
if new == 'available' then
  make_available(KEYS[1], args.volunteer, {unpack(KEYS, 5)}, args.now, args.strategy)
else
  redis.call('HSET', KEYS[1], 'state', new)
end
redis.call('XADD', KEYS[4], '*', 'type', 'offer_ended', 'reason', args.reason,
  'member', args.member, 'volunteer', args.volunteer, 't', args.now, 'volunteer_state', new)
return {new, leg, citizen_leg}
