-- session_open: a successful sign-in. The attempt no longer counts against the account or
-- the address, and the new session is stored and listed under its account.
-- KEYS[1] session hash   KEYS[2] the account's set of session tokens
-- KEYS[3] failures of the account   KEYS[4] failures of the address
-- ARGV[1] token   ARGV[2] username   ARGV[3] CSRF token   ARGV[4] password fingerprint
-- ARGV[5] session lifetime (s)
redis.call('DEL', KEYS[3])
if redis.call('EXISTS', KEYS[4]) == 1 then
  redis.call('DECR', KEYS[4])
end
redis.call('HSET', KEYS[1], 'user', ARGV[2], 'csrf', ARGV[3], 'pw', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[5])
return 1
