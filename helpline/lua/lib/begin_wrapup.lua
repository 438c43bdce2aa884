-- begin_wrapup: the volunteer's conversation ended: the offer is over, one more call today,
-- and wrap-up until a.wrapup_until (while the form holds unsaved input, at most until
-- a.wrapup_limit). What they noted for this very member during the call keeps holding it.
-- a: record (id)   member   now (ms)   today (YYYY-MM-DD)   wrapup_until, wrapup_limit (ms)
-- uses: start_day, clear_offer
local function begin_wrapup(volunteer_key, a)
  start_day(volunteer_key, a.today)
  redis.call('HINCRBY', volunteer_key, 'calls_today', 1)
  clear_offer(volunteer_key)
  redis.call('HSET', volunteer_key, 'state', 'wrapup', 'state_since', a.now,
    'wrapup_until', a.wrapup_until, 'wrapup_limit', a.wrapup_limit, 'missed', 0,
    'last_call', a.record)
  if redis.call('HGET', volunteer_key, 'hold_for') ~= a.member then
    redis.call('HDEL', volunteer_key, 'hold_for')
  end
end
