-- login_attempt: count one sign-in attempt, before the password is checked, so parallel
-- attempts cannot all slip under the limits. The address (an IPv6 /64) has at most
-- address_limit attempts in the window; the account is never locked, but after each wrong
-- password its next try waits longer (a success deletes KEYS[1]: session_open.lua).
-- KEYS[1] the account's delay (hash: failures, next_ms)   KEYS[2] attempts of the address
-- args: window (s)   now_ms   address_limit   check_account (false on a browser the account
-- signed in on before: other addresses' failures do not hold it up)
-- delays (s, after 1, 2, ... failures in a row)   max_delay (s, after more)
-- Returns {0, 0} to go on, or {1, seconds to wait}.
local count = redis.call('INCR', KEYS[2])
if redis.call('TTL', KEYS[2]) < 0 then
  redis.call('EXPIRE', KEYS[2], args.window)
end
if count > tonumber(args.address_limit) then
  return {1, redis.call('TTL', KEYS[2])}
end
if not args.check_account then
  return {0, 0}
end
local now = tonumber(args.now_ms)
local next_ms = tonumber(redis.call('HGET', KEYS[1], 'next_ms') or '0')
if now < next_ms then
  return {1, math.ceil((next_ms - now) / 1000)}
end
-- this try counts as a failure until it succeeds; the next one waits accordingly
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local wait = tonumber(args.delays[failures] or args.max_delay)
redis.call('HSET', KEYS[1], 'next_ms', now + wait * 1000)
redis.call('EXPIRE', KEYS[1], args.window)
return {0, 0}
