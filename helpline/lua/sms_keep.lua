-- sms_keep: the caller is connected; keep what a text message to them needs, for an hour.
-- KEYS[1] the conversation's sms hash
-- args: kind (mobile, landline, other)   number (sealed; '' unless mobile)   ttl (seconds)
-- Returns 'kept', or 'already' (a redelivered webhook, or a message already on its way).
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 'already'
end
redis.call('HSET', KEYS[1], 'kind', args.kind)
if args.number ~= '' then
  redis.call('HSET', KEYS[1], 'number', args.number)
end
redis.call('EXPIRE', KEYS[1], tonumber(args.ttl))
return 'kept'
