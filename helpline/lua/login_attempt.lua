-- login_attempt: count one sign-in attempt against the account and the address, before the
-- password is checked, so parallel attempts cannot all slip under the limit.
-- KEYS[1] failures of the account   KEYS[2] failures of the address
-- args: window (s): a counter starts its window at its first attempt
-- Returns {account count, account ttl, address count, address ttl}.
local out = {}
for i = 1, 2 do
  local count = redis.call('INCR', KEYS[i])
  if redis.call('TTL', KEYS[i]) < 0 then
    redis.call('EXPIRE', KEYS[i], args.window)
  end
  out[#out + 1] = count
  out[#out + 1] = redis.call('TTL', KEYS[i])
end
return out
