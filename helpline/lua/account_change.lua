-- account_change: set fields of an existing account; optionally end all its sessions in the
-- same step (a new password, a disabled account).
-- KEYS[1] user hash   KEYS[2] the account's set of session tokens
-- args: session_prefix (of session keys; the token follows)   end_sessions (true/false)
-- fields (field -> value)
-- Returns 1, or 0 when there is no such account (nothing changes).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
for field, value in pairs(args.fields) do
  redis.call('HSET', KEYS[1], field, value)
end
if args.end_sessions then
  for _, token in ipairs(redis.call('SMEMBERS', KEYS[2])) do
    redis.call('DEL', args.session_prefix .. token)
  end
  redis.call('DEL', KEYS[2])
end
return 1
