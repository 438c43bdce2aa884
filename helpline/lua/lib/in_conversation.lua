-- in_conversation: why the volunteer cannot act on this conversation now: 'stale' (it is not
-- theirs now, or not connected), 'busy' (a warm hand-over is under way); nil when they can.
-- uses: holds_offer
local function in_conversation(volunteer_key, party_key, member)
  if not holds_offer(volunteer_key, member, 'on_call')
      or redis.call('HGET', party_key, 'state') ~= 'connected' then
    return 'stale'
  end
  if (redis.call('HGET', party_key, 'warm_to') or '') ~= '' then
    return 'busy'
  end
  return nil
end
