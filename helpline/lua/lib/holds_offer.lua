-- holds_offer: whether the volunteer's current offer is this member, in this state.
local function holds_offer(volunteer_key, member, state)
  return redis.call('HGET', volunteer_key, 'offer') == member
    and redis.call('HGET', volunteer_key, 'state') == state
end
