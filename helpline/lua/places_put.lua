-- places_put: store local-help places with their postcode index, together.
-- KEYS[1] places hash (id -> JSON)   KEYS[2] postcode index (id scored by postcode area)
-- ARGV: triples of id, JSON, postcode area
for i = 1, #ARGV, 3 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('ZADD', KEYS[2], ARGV[i + 2], ARGV[i])
end
return #ARGV / 3
