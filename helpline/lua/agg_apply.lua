-- agg_apply: count one batch of events, exactly once. Applies only when the cursor is still
-- where the batch began, then moves it past the batch: a batch is all counted or not at all.
-- KEYS[1] the aggregation cursor (the last counted event id)
-- The counter keys are in ARGV, all under the {hl} hash tag (one slot), in sections:
-- ARGV[1] expected cursor   ARGV[2] new cursor   ARGV[3] facts ttl (s)   ARGV[4] repeat window (ms)
-- then n, n × (hash key, field, amount)                  counters
-- then n, n × (index key, bucket, t)                     known buckets per period
-- then n, n × (facts key, k, k × (field, value))         what is known of a call
-- then n, n × (caller key, topic, t, repeats key, member) repeat callers within the window
-- Returns 'applied' or 'moved' (another job counted this batch first).
if (redis.call('GET', KEYS[1]) or '0-0') ~= ARGV[1] then
  return 'moved'
end
local facts_ttl, window = tonumber(ARGV[3]), tonumber(ARGV[4])
local i = 5
local n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do
  redis.call('HINCRBY', ARGV[i], ARGV[i + 1], ARGV[i + 2])
  i = i + 3
end
n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do
  redis.call('ZADD', ARGV[i], 'NX', ARGV[i + 2], ARGV[i + 1])
  i = i + 3
end
n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do
  local key, pairs_n = ARGV[i], tonumber(ARGV[i + 1])
  i = i + 2
  for _ = 1, pairs_n do
    redis.call('HSET', key, ARGV[i], ARGV[i + 1])
    i = i + 2
  end
  redis.call('EXPIRE', key, facts_ttl)
end
n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do
  local caller, topic, t, repeats, member = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), ARGV[i + 3], ARGV[i + 4]
  local last = tonumber(redis.call('HGET', caller, topic) or '-1')
  if last >= 0 and t - last <= window then
    redis.call('ZINCRBY', repeats, 1, member)
    redis.call('EXPIRE', repeats, 120 * 86400)
  end
  if t > last then
    redis.call('HSET', caller, topic, t)
  end
  redis.call('PEXPIRE', caller, window)
  i = i + 5
end
redis.call('SET', KEYS[1], ARGV[2])
return 'applied'
