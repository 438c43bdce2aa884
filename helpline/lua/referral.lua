-- referral: who sent the caller, answered in the wait. Kept on the call hash (referral,
-- referral_org); when the answer is final, one 'referral' event is added for the reports
-- (once per call, whatever is redelivered).
-- KEYS[1] call hash   KEYS[2] event stream
-- args: sid   now (ms)   referral (a referral source id)   org (an organisation id, 'unknown'
-- or '')   final (true when no question about it follows)
-- Returns 'reported', 'noted' (kept, not final or reported already) or 'gone'.
if not redis.call('HGET', KEYS[1], 'state') then
  return 'gone'
end
redis.call('HSET', KEYS[1], 'referral', args.referral, 'referral_org', args.org)
if not args.final or redis.call('HGET', KEYS[1], 'referral_reported') == '1' then
  return 'noted'
end
redis.call('HSET', KEYS[1], 'referral_reported', '1')
redis.call('XADD', KEYS[2], '*', 'type', 'referral', 'call', args.sid, 't', args.now,
  'referral', args.referral, 'referral_org', args.org)
return 'reported'
