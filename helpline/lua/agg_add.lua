-- agg_add: add to counters of one bucket and record the bucket in its period's index.
-- KEYS[1] counter hash   KEYS[2] index of the period
-- ARGV[1] bucket   ARGV[2] a moment in it (ms)   ARGV[3..] field, amount pairs
for i = 3, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('ZADD', KEYS[2], 'NX', ARGV[2], ARGV[1])
return 'added'
