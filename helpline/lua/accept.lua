-- accept: the volunteer takes the offer in time; both move to connecting.
-- KEYS[1] volunteer hash   KEYS[2] party hash   KEYS[3] event stream
-- args: volunteer (id)   member   now (ms)
-- Returns 'accepted' or why not: 'not-offered', 'expired', 'gone'.
-- uses: holds_offer
if not holds_offer(KEYS[1], args.member, 'offered') then
  return 'not-offered'
end
if tonumber(args.now) > tonumber(redis.call('HGET', KEYS[1], 'offer_expires') or '0') then
  return 'expired'
end
if redis.call('HGET', KEYS[2], 'state') ~= 'offered' or redis.call('HGET', KEYS[2], 'offered_to') ~= args.volunteer then
  return 'gone'
end
redis.call('HSET', KEYS[1], 'state', 'connecting', 'state_since', args.now)
redis.call('HSET', KEYS[2], 'state', 'connecting')
redis.call('XADD', KEYS[3], '*', 'type', 'accepted', 'member', args.member,
  'volunteer', args.volunteer, 't', args.now)
return 'accepted'
