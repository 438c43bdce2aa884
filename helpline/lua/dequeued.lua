-- dequeued: Twilio took a waiting caller out of the queue to a volunteer (QueueResult bridged
-- or redirected). Records the answer moment for wait estimates.
-- KEYS[1] call hash   KEYS[2] waiting list of the topic   KEYS[3] event stream
-- KEYS[4] recent answers of the topic (zset)
-- ARGV[1] call sid   ARGV[2] now (ms)   ARGV[3] waiting list key   ARGV[4] how (QueueResult)
-- ARGV[5] keep answers younger than this (ms)
-- Returns the state after the change.
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'waiting' then
  return state or 'unknown'
end
if redis.call('HGET', KEYS[1], 'line') ~= ARGV[3] then
  return 'moved'
end
redis.call('ZREM', KEYS[2], 'c:' .. ARGV[1])
local wait = tonumber(ARGV[2]) - tonumber(redis.call('HGET', KEYS[1], 'enqueued_at'))
redis.call('HSET', KEYS[1], 'state', 'answered', 'answered_at', ARGV[2], 'wait_ms', wait)
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', string.format('%d', tonumber(ARGV[2]) - tonumber(ARGV[5])))
redis.call('XADD', KEYS[3], '*', 'type', 'answered', 'call', ARGV[1], 't', ARGV[2],
  'topic', redis.call('HGET', KEYS[1], 'topic') or '', 'how', ARGV[4], 'wait_ms', wait)
return 'answered'
