-- session_close: sign out one session and take it off its account's list.
-- KEYS[1] session hash   ARGV[1] prefix of an account's session set (the username follows)
-- ARGV[2] token
local user = redis.call('HGET', KEYS[1], 'user')
redis.call('DEL', KEYS[1])
if user then
  redis.call('SREM', ARGV[1] .. user, ARGV[2])
end
return 1
