-- accept: the volunteer takes the offer in time; both move to connecting.
-- KEYS[1] volunteer hash   KEYS[2] party hash   KEYS[3] event stream
-- ARGV[1] volunteer id   ARGV[2] member   ARGV[3] now (ms)
-- Returns 'accepted' or why not: 'not-offered', 'expired', 'gone'.
if redis.call('HGET', KEYS[1], 'state') ~= 'offered' or redis.call('HGET', KEYS[1], 'offer') ~= ARGV[2] then
  return 'not-offered'
end
if tonumber(ARGV[3]) > tonumber(redis.call('HGET', KEYS[1], 'offer_expires') or '0') then
  return 'expired'
end
if redis.call('HGET', KEYS[2], 'state') ~= 'offered' or redis.call('HGET', KEYS[2], 'offered_to') ~= ARGV[1] then
  return 'gone'
end
redis.call('HSET', KEYS[1], 'state', 'connecting', 'state_since', ARGV[3])
redis.call('HSET', KEYS[2], 'state', 'connecting')
redis.call('XADD', KEYS[3], '*', 'type', 'accepted', 'member', ARGV[2], 'volunteer', ARGV[1],
  't', ARGV[3])
return 'accepted'
