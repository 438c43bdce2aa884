-- account_change: set fields of an existing account; optionally end all its sessions in the
-- same step (a new password, a disabled account), but the one the change was made in (keep:
-- a person changing their own password stays signed in there, with the new fingerprint).
-- KEYS[1] user hash   KEYS[2] the account's set of session tokens
-- args: session_prefix (of session keys; the token follows)   end_sessions (true/false)
-- fields (field -> value)   keep (a session token, '' for none)   keep_pw (its new fingerprint)
-- Returns 1, or 0 when there is no such account (nothing changes).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
for field, value in pairs(args.fields) do
  redis.call('HSET', KEYS[1], field, value)
end
if args.end_sessions then
  for _, token in ipairs(redis.call('SMEMBERS', KEYS[2])) do
    if token ~= args.keep then
      redis.call('DEL', args.session_prefix .. token)
      redis.call('SREM', KEYS[2], token)
    end
  end
  if (args.keep or '') ~= '' and redis.call('EXISTS', args.session_prefix .. args.keep) == 1 then
    redis.call('HSET', args.session_prefix .. args.keep, 'pw', args.keep_pw)
  end
end
return 1
