-- clear_party_offer: the caller or callback is no longer offered to anyone nor being rung.
local function clear_party_offer(party_key)
  redis.call('HDEL', party_key, 'offered_to', 'offered_at', 'volunteer_leg', 'citizen_leg')
end
