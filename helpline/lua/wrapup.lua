-- wrapup: the volunteer's wrap-up of a conversation they had, once.
-- KEYS[1] handled-call record   KEYS[2] event stream
-- ARGV[1] volunteer id   ARGV[2] member   ARGV[3] now (ms)   ARGV[4..] field, value pairs
-- Returns 'saved', or why not: 'not-yours' (no such record of this volunteer), 'already'.
if redis.call('HGET', KEYS[1], 'volunteer') ~= ARGV[1] then
  return 'not-yours'
end
if redis.call('HGET', KEYS[1], 'wrapped') == '1' then
  return 'already'
end
local event = {'type', 'wrapup', 'member', ARGV[2], 'volunteer', ARGV[1], 't', ARGV[3],
  'topic', redis.call('HGET', KEYS[1], 'topic') or ''}
for i = 4, #ARGV, 2 do
  redis.call('HSET', KEYS[1], 'w_' .. ARGV[i], ARGV[i + 1])
  table.insert(event, 'w_' .. ARGV[i])
  table.insert(event, ARGV[i + 1])
end
redis.call('HSET', KEYS[1], 'wrapped', '1', 'wrapped_at', ARGV[3])
redis.call('XADD', KEYS[2], '*', unpack(event))
return 'saved'
