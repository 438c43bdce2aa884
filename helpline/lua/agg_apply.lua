-- agg_apply: count one batch of events, exactly once. Applies only when the cursor is still
-- where the batch began, then moves it past the batch: a batch is all counted or not at all.
-- KEYS[1] the aggregation cursor (the last counted event id)
-- The counter keys are in the arguments, all under the {hl} hash tag (one slot).
-- args: cursor (expected)   new_cursor   facts_ttl (s)   repeat_window (ms)
-- counters: a list of {hash key, field, amount}
-- indexes: a list of {index key, bucket, t}              known buckets per period
-- facts: a list of {facts key, {field -> value}}          what is known of a call
-- repeats: a list of {caller key, topic, t, repeats key, member}  repeat callers in the window
-- Returns 'applied' or 'moved' (another job counted this batch first).
if (redis.call('GET', KEYS[1]) or '0-0') ~= args.cursor then
  return 'moved'
end
local window = tonumber(args.repeat_window)
for _, c in ipairs(args.counters) do
  redis.call('HINCRBY', c[1], c[2], c[3])
end
for _, index in ipairs(args.indexes) do
  redis.call('ZADD', index[1], 'NX', index[3], index[2])
end
for _, facts in ipairs(args.facts) do
  for field, value in pairs(facts[2]) do
    redis.call('HSET', facts[1], field, value)
  end
  redis.call('EXPIRE', facts[1], args.facts_ttl)
end
for _, r in ipairs(args.repeats) do
  local caller, topic, t, repeats, member = r[1], r[2], tonumber(r[3]), r[4], r[5]
  local last = tonumber(redis.call('HGET', caller, topic) or '-1')
  if last >= 0 and t - last <= window then
    redis.call('ZINCRBY', repeats, 1, member)
    redis.call('EXPIRE', repeats, 120 * 86400)
  end
  if t > last then
    redis.call('HSET', caller, topic, r[3])
  end
  redis.call('PEXPIRE', caller, window)
end
redis.call('SET', KEYS[1], args.new_cursor)
return 'applied'
