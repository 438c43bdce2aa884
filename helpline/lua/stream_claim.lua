-- stream_claim: claim, or renew, an account's slot for one live event stream, unless the
-- account already holds its cap of streams. A slot is a lease that the stream renews while it
-- runs, so the slot of a process that died lapses by itself. Times are Redis's own clock,
-- shared by every host.
-- KEYS[1] the account's open streams (sorted set: stream id -> end of its lease, ms)
-- args: stream (its id)   cap (streams allowed)   lease_ms (length of a lease)
-- Returns 1 when the slot is the stream's (claimed or renewed), 0 when the cap is reached.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local lease = tonumber(args.lease_ms)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], args.stream)
    and redis.call('ZCARD', KEYS[1]) >= tonumber(args.cap) then
  return 0
end
redis.call('ZADD', KEYS[1], now + lease, args.stream)
redis.call('PEXPIRE', KEYS[1], lease)
return 1
