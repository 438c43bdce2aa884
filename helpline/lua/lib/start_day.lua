-- start_day: the volunteer's count of calls today starts at 0 on a new day (fewest_calls).
local function start_day(volunteer_key, today)
  if redis.call('HGET', volunteer_key, 'calls_day') ~= today then
    redis.call('HSET', volunteer_key, 'calls_day', today, 'calls_today', 0)
  end
end
