-- session_open: a successful sign-in. The attempt no longer counts against the account or
-- the address, and the new session is stored and listed under its account.
-- KEYS[1] session hash   KEYS[2] the account's set of session tokens
-- KEYS[3] the account's delay   KEYS[4] attempts of the address
-- args: token   username   csrf (token)   pw (password fingerprint)   lifetime (s, at most)
-- idle (s without a request after which it ends)   now (s)
redis.call('DEL', KEYS[3])
if redis.call('EXISTS', KEYS[4]) == 1 then
  redis.call('DECR', KEYS[4])
end
redis.call('HSET', KEYS[1], 'user', args.username, 'csrf', args.csrf, 'pw', args.pw,
  'opened', args.now, 'seen', args.now)
redis.call('EXPIRE', KEYS[1], math.min(tonumber(args.idle), tonumber(args.lifetime)) + 5)
redis.call('SADD', KEYS[2], args.token)
redis.call('EXPIRE', KEYS[2], args.lifetime)
return 1
