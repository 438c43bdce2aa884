-- monitor_end: a monitoring session is over; it goes to the log (who, which conversation,
-- how long, in which modes; nothing about the caller).
-- KEYS[1] the conversation's session   KEYS[2] the monitoring log
-- args: member   now (ms)   keep (how many sessions the log keeps)
-- Returns the logged session as JSON, or false when there was none.
local session = redis.call('HGETALL', KEYS[1])
if #session == 0 then
  return false
end
local s = {}
for i = 1, #session, 2 do
  s[session[i]] = session[i + 1]
end
local entry = cjson.encode({mentor = s.mentor, volunteer = s.volunteer, call = args.member,
  modes = s.modes, started_at = s.started_at,
  seconds = math.floor((tonumber(args.now) - tonumber(s.started_at)) / 1000)})
redis.call('LPUSH', KEYS[2], entry)
redis.call('LTRIM', KEYS[2], 0, tonumber(args.keep) - 1)
redis.call('DEL', KEYS[1])
return entry
