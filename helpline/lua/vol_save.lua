-- vol_save: create or change a volunteer's profile (name, phone, skills, languages). An
-- available volunteer stays available: they move from the old availability sets to the new
-- ones and keep their place (score).
-- KEYS[1] volunteer hash   KEYS[2] set of all volunteers
-- KEYS[3 .. 2+old_sets] the old availability sets   the KEYS after them: the new sets
-- args: volunteer (id)   name   phone   skills (a,b)   languages (nl,en)
-- old_sets (how many)   skills_read, languages_read (as they were read)
-- numbers: profile numbers to set ({name = value}; an empty value unsets it)
-- Returns 'saved', or 'changed' when skills or languages changed since they were read (then
-- nothing is done: read again and retry).
local skills = redis.call('HGET', KEYS[1], 'skills') or ''
local languages = redis.call('HGET', KEYS[1], 'languages') or ''
if skills ~= args.skills_read or languages ~= args.languages_read then
  return 'changed'
end
local old = tonumber(args.old_sets)
local score = nil
if redis.call('HGET', KEYS[1], 'state') == 'available' then
  for i = 3, 2 + old do
    score = score or redis.call('ZSCORE', KEYS[i], args.volunteer)
  end
  score = score or redis.call('HGET', KEYS[1], 'idle_since') or '0'
end
for i = 3, 2 + old do
  redis.call('ZREM', KEYS[i], args.volunteer)
end
redis.call('HSET', KEYS[1], 'id', args.volunteer, 'name', args.name, 'phone', args.phone,
  'skills', args.skills, 'languages', args.languages)
for field, value in pairs(args.numbers or {}) do
  if value == '' then
    redis.call('HDEL', KEYS[1], field)
  else
    redis.call('HSET', KEYS[1], field, value)
  end
end
redis.call('HSETNX', KEYS[1], 'state', 'offline')
redis.call('SADD', KEYS[2], args.volunteer)
if score then
  for i = 3 + old, #KEYS do
    redis.call('ZADD', KEYS[i], score, args.volunteer)
  end
end
return 'saved'
