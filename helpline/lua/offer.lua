-- offer: reserve a waiting caller and an available volunteer together, or nothing.
-- KEYS[1] volunteer hash   KEYS[2] party hash (call or callback)   KEYS[3] the party's line
-- KEYS[4] event stream   KEYS[5..] the volunteer's availability sets
-- args: volunteer (id)   member   now (ms)   expires (ms: the offer's end)
-- widened ('1'/'0': the member is in another line than the volunteer's own)
-- Returns 'offered', or why not: 'volunteer-busy', 'gone' (taken or hung up), 'skip'.
if redis.call('HGET', KEYS[1], 'state') ~= 'available' then
  return 'volunteer-busy'
end
if not redis.call('ZSCORE', KEYS[3], args.member) then
  return 'gone'
end
if redis.call('HGET', KEYS[2], 'state') ~= 'waiting' or redis.call('HGET', KEYS[2], 'line') ~= KEYS[3] then
  return 'gone'
end
local skip_until = tonumber(redis.call('HGET', KEYS[1], 'skip_until') or '0')
if redis.call('HGET', KEYS[1], 'skip') == args.member and tonumber(args.now) < skip_until then
  return 'skip'
end
redis.call('ZREM', KEYS[3], args.member)
redis.call('HSET', KEYS[2], 'state', 'offered', 'offered_to', args.volunteer,
  'offered_at', args.now)
redis.call('HSET', KEYS[1], 'state', 'offered', 'state_since', args.now, 'offer', args.member,
  'offer_key', KEYS[2], 'offer_line', KEYS[3], 'offer_expires', args.expires,
  'offer_widened', args.widened, 'notice', '')
for i = 5, #KEYS do
  redis.call('ZREM', KEYS[i], args.volunteer)
end
redis.call('XADD', KEYS[4], '*', 'type', 'offered', 'member', args.member,
  'volunteer', args.volunteer, 't', args.now, 'widened', args.widened,
  'topic', redis.call('HGET', KEYS[2], 'topic') or '')
return 'offered'
