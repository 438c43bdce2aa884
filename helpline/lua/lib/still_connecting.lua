-- still_connecting: whether this attempt to connect the volunteer and the member goes on
-- (both sides connecting, the volunteer's offer still this member).
-- uses: holds_offer
local function still_connecting(volunteer_key, party_key, member)
  return holds_offer(volunteer_key, member, 'connecting')
    and redis.call('HGET', party_key, 'state') == 'connecting'
end
