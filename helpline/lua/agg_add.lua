-- agg_add: add to counters of one bucket and record the bucket in its period's index.
-- KEYS[1] counter hash   KEYS[2] index of the period
-- args: bucket   t (ms: a moment in it)   counts (field -> amount)
for field, amount in pairs(args.counts) do
  redis.call('HINCRBY', KEYS[1], field, amount)
end
redis.call('ZADD', KEYS[2], 'NX', args.t, args.bucket)
return 'added'
