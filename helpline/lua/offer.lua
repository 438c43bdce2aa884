-- offer: reserve a waiting caller and an available volunteer together, or nothing.
-- KEYS[1] volunteer hash   KEYS[2] party hash (call or callback)   KEYS[3] the party's line
-- KEYS[4] event stream   KEYS[5..] the volunteer's availability sets
-- ARGV[1] volunteer id   ARGV[2] member   ARGV[3] now (ms)   ARGV[4] offer expires (ms)
-- ARGV[5] widened ('1'/'0')
-- Returns 'offered', or why not: 'volunteer-busy', 'gone' (taken or hung up), 'skip'.
if redis.call('HGET', KEYS[1], 'state') ~= 'available' then
  return 'volunteer-busy'
end
if not redis.call('ZSCORE', KEYS[3], ARGV[2]) then
  return 'gone'
end
if redis.call('HGET', KEYS[2], 'state') ~= 'waiting' or redis.call('HGET', KEYS[2], 'line') ~= KEYS[3] then
  return 'gone'
end
local skip_until = tonumber(redis.call('HGET', KEYS[1], 'skip_until') or '0')
if redis.call('HGET', KEYS[1], 'skip') == ARGV[2] and tonumber(ARGV[3]) < skip_until then
  return 'skip'
end
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('HSET', KEYS[2], 'state', 'offered', 'offered_to', ARGV[1], 'offered_at', ARGV[3])
redis.call('HSET', KEYS[1], 'state', 'offered', 'state_since', ARGV[3], 'offer', ARGV[2],
  'offer_key', KEYS[2], 'offer_line', KEYS[3], 'offer_expires', ARGV[4], 'offer_widened', ARGV[5],
  'notice', '')
for i = 5, #KEYS do
  redis.call('ZREM', KEYS[i], ARGV[1])
end
redis.call('XADD', KEYS[4], '*', 'type', 'offered', 'member', ARGV[2], 'volunteer', ARGV[1],
  't', ARGV[3], 'widened', ARGV[5], 'topic', redis.call('HGET', KEYS[2], 'topic') or '')
return 'offered'
