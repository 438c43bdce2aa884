-- places_delete: remove one place and its index entry.
-- KEYS[1] places hash   KEYS[2] postcode index
-- args: id (of the place)
-- Returns 1 when it existed.
redis.call('ZREM', KEYS[2], args.id)
return redis.call('HDEL', KEYS[1], args.id)
