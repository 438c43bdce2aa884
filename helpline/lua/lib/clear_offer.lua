-- clear_offer: the volunteer's offer is over; forget it and the phone leg that went with it
-- (and a warm hand-over they were part of).
local function clear_offer(volunteer_key)
  redis.call('HDEL', volunteer_key, 'offer', 'offer_key', 'offer_line', 'offer_expires',
    'offer_widened', 'leg', 'offer_warm', 'handover')
end
