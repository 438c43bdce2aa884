-- connected: the volunteer pressed 1 and the caller is being bridged.
-- KEYS[1] volunteer hash   KEYS[2] party hash   KEYS[3] event stream
-- KEYS[4] recent answers of the party's topic (for wait estimates)
-- ARGV[1] volunteer id   ARGV[2] member   ARGV[3] now (ms)   ARGV[4] score span
-- ARGV[5] keep answers younger than this (ms)
-- Returns 'connected', or 'gone' when the caller hung up or the attempt ended.
if redis.call('HGET', KEYS[1], 'offer') ~= ARGV[2] or redis.call('HGET', KEYS[1], 'state') ~= 'connecting' then
  return 'gone'
end
if redis.call('HGET', KEYS[2], 'state') ~= 'connecting' then
  return 'gone'
end
local arrival = tonumber(redis.call('HGET', KEYS[2], 'score')) % tonumber(ARGV[4])
local wait = tonumber(ARGV[3]) - arrival
redis.call('HSET', KEYS[1], 'state', 'on_call', 'state_since', ARGV[3])
redis.call('HSET', KEYS[2], 'state', 'connected', 'connected_at', ARGV[3], 'wait_ms', wait)
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', string.format('%d', tonumber(ARGV[3]) - tonumber(ARGV[5])))
redis.call('XADD', KEYS[3], '*', 'type', 'connected', 'member', ARGV[2], 'volunteer', ARGV[1],
  't', ARGV[3], 'wait_ms', wait, 'topic', redis.call('HGET', KEYS[2], 'topic') or '',
  'widened', redis.call('HGET', KEYS[1], 'offer_widened') or '0')
return 'connected'
