-- places_delete: remove one place and its index entry.
-- KEYS[1] places hash   KEYS[2] postcode index   ARGV[1] place id
-- Returns 1 when it existed.
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('HDEL', KEYS[1], ARGV[1])
