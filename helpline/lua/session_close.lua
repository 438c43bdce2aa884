-- session_close: sign out one session and take it off its account's list.
-- KEYS[1] session hash
-- args: sessions_prefix (of an account's session set; the username follows)   token
local user = redis.call('HGET', KEYS[1], 'user')
redis.call('DEL', KEYS[1])
if user then
  redis.call('SREM', args.sessions_prefix .. user, args.token)
end
return 1
