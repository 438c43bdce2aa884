-- end_part: a volunteer's part of a conversation is over (the call ended, or they handed the
-- caller over): their record of it, their wrap-up and the 'completed' event (a: the args of
-- keep_record and begin_wrapup). Returns the talk time (ms).
-- uses: begin_wrapup, keep_record
local function end_part(volunteer_key, party_key, events_key, record_key, list_key, contacts_key,
    a)
  local talk = tonumber(a.now) - tonumber(redis.call('HGET', party_key, 'connected_at') or a.now)
  keep_record(record_key, list_key, contacts_key, party_key, a, talk)
  begin_wrapup(volunteer_key, a)
  redis.call('XADD', events_key, '*', 'type', 'completed', 'member', a.member,
    'volunteer', a.volunteer, 't', a.now, 'talk_ms', talk,
    'topic', redis.call('HGET', party_key, 'topic') or '')
  return talk
end
