-- places_put: store local-help places with their postcode index, together; with replace, the
-- directory becomes exactly these places (a full CSV import).
-- KEYS[1] places hash (id -> JSON)   KEYS[2] postcode index (id scored by postcode area)
-- args: places (a list of {id, JSON, postcode area})   replace (true/false)
-- Returns how many places were stored.
if args.replace then
  redis.call('DEL', KEYS[1], KEYS[2])
end
for _, place in ipairs(args.places) do
  redis.call('HSET', KEYS[1], place[1], place[2])
  redis.call('ZADD', KEYS[2], place[3], place[1])
end
return #args.places
