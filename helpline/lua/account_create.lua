-- account_create: a new account, whole or not at all.
-- KEYS[1] user hash   KEYS[2] set of all usernames
-- ARGV[1] username   ARGV[2] role   ARGV[3] name   ARGV[4] password hash
-- Returns 1, or 0 when the username is taken.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'username', ARGV[1], 'role', ARGV[2], 'name', ARGV[3],
  'disabled', '0', 'password', ARGV[4])
redis.call('SADD', KEYS[2], ARGV[1])
return 1
