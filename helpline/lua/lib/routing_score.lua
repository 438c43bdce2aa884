-- routing_score: the routing policy, the one place it is written. A volunteer's score in the
-- availability sets (lower is offered first): 'longest_idle' ranks by the moment they became
-- available; 'fewest_calls' puts fewer calls today first (1e13 ms is over 300 years), then
-- longest idle. Returned as a decimal string: Redis would write a large Lua number in
-- exponent form.
local function routing_score(volunteer_key, now, strategy)
  local score = tonumber(now)
  if strategy == 'fewest_calls' then
    score = tonumber(redis.call('HGET', volunteer_key, 'calls_today') or '0') * 1e13 + score
  end
  return string.format('%d', score)
end
