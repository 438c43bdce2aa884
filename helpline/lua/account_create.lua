-- account_create: a new account, whole or not at all.
-- KEYS[1] user hash   KEYS[2] set of all usernames
-- args: username   role   name   password (its hash)
-- Returns 1, or 0 when the username is taken.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'username', args.username, 'role', args.role, 'name', args.name,
  'disabled', '0', 'password', args.password)
redis.call('SADD', KEYS[2], args.username)
return 1
