-- account_change: set fields of an existing account; optionally end all its sessions in the
-- same step (a new password, a disabled account).
-- KEYS[1] user hash   KEYS[2] the account's set of session tokens
-- ARGV[1] session key prefix (the token follows)   ARGV[2] '1' to end the sessions
-- ARGV[3], ARGV[4], ...: field, value pairs
-- Returns 1, or 0 when there is no such account (nothing changes).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
for i = 3, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
if ARGV[2] == '1' then
  for _, token in ipairs(redis.call('SMEMBERS', KEYS[2])) do
    redis.call('DEL', ARGV[1] .. token)
  end
  redis.call('DEL', KEYS[2])
end
return 1
