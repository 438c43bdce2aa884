-- release_callback: a callback request that has come due joins its line, keeping its arrival
-- and gaining the due-callback priority bonus.
-- KEYS[1] callbacks not yet due (zset)   KEYS[2] callback hash   KEYS[3] its line
-- KEYS[4] event stream
-- ARGV[1] member   ARGV[2] now (ms)   ARGV[3] priority bonus   ARGV[4] score span
-- Returns 'released', or 'not-due' / 'gone'.
local due = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not due then
  return 'gone'
end
if tonumber(due) > tonumber(ARGV[2]) then
  return 'not-due'
end
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('HGET', KEYS[2], 'state') ~= 'waiting' then
  return 'gone'
end
local span = tonumber(ARGV[4])
local score = tonumber(redis.call('HGET', KEYS[2], 'score'))
local arrival = score % span
score = math.max(arrival, score - tonumber(ARGV[3]) * span)
redis.call('HSET', KEYS[2], 'score', string.format('%d', score))
redis.call('ZADD', KEYS[3], string.format('%d', score), ARGV[1])
redis.call('XADD', KEYS[4], '*', 'type', 'callback_due', 'member', ARGV[1], 't', ARGV[2],
  'topic', redis.call('HGET', KEYS[2], 'topic') or '')
return 'released'
