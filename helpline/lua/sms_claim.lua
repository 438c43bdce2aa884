-- sms_claim: the sending job takes a requested message, once (a retried job finds it taken).
-- KEYS[1] the conversation's sms hash
-- args: rank (of 'sending')
-- Returns {sealed number, place, lang}, or nil when there is nothing to send.
if redis.call('HGET', KEYS[1], 'status') ~= 'requested' then
  return false
end
local number = redis.call('HGET', KEYS[1], 'number')
if not number then
  return false
end
redis.call('HSET', KEYS[1], 'status', 'sending', 'rank', args.rank)
return {number, redis.call('HGET', KEYS[1], 'place') or '', redis.call('HGET', KEYS[1], 'lang') or ''}
