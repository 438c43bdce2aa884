-- vol_save: create or change a volunteer's profile (name, phone, skills, languages). An
-- available volunteer stays available: they move from the old availability sets to the new
-- ones and keep their place (score).
-- KEYS[1] volunteer hash   KEYS[2] set of all volunteers
-- KEYS[3 .. 2+ARGV[6]] the old availability sets   the KEYS after them: the new sets
-- ARGV[1] id   ARGV[2] name   ARGV[3] phone   ARGV[4] skills (a,b)   ARGV[5] languages (nl,en)
-- ARGV[6] number of old sets   ARGV[7] skills as read   ARGV[8] languages as read
-- Returns 'saved', or 'changed' when skills or languages changed since they were read (then
-- nothing is done: read again and retry).
local skills = redis.call('HGET', KEYS[1], 'skills') or ''
local languages = redis.call('HGET', KEYS[1], 'languages') or ''
if skills ~= ARGV[7] or languages ~= ARGV[8] then
  return 'changed'
end
local old = tonumber(ARGV[6])
local score = nil
if redis.call('HGET', KEYS[1], 'state') == 'available' then
  for i = 3, 2 + old do
    score = score or redis.call('ZSCORE', KEYS[i], ARGV[1])
  end
  score = score or redis.call('HGET', KEYS[1], 'idle_since') or '0'
end
for i = 3, 2 + old do
  redis.call('ZREM', KEYS[i], ARGV[1])
end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'name', ARGV[2], 'phone', ARGV[3],
  'skills', ARGV[4], 'languages', ARGV[5])
redis.call('HSETNX', KEYS[1], 'state', 'offline')
redis.call('SADD', KEYS[2], ARGV[1])
if score then
  for i = 3 + old, #KEYS do
    redis.call('ZADD', KEYS[i], score, ARGV[1])
  end
end
return 'saved'
