-- make_available: the volunteer is available from now on and joins their availability sets
-- with the score the routing policy gives them.
-- uses: routing_score
local function make_available(volunteer_key, volunteer_id, sets, now, strategy)
  redis.call('HSET', volunteer_key, 'state', 'available', 'state_since', now, 'idle_since', now)
  local score = routing_score(volunteer_key, now, strategy)
  for _, set in ipairs(sets) do
    redis.call('ZADD', set, score, volunteer_id)
  end
end
