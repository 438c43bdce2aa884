-- handover_line: the volunteer hands their caller over to the line of another topic. The
-- volunteer's part ends as with call_done (record and wrap-up); the caller waits again, in
-- the new line with the score they had (priority, then their original arrival: before
-- everyone who came later) and the volunteer's note for whoever takes them next.
-- KEYS[1] volunteer hash   KEYS[2] party hash   KEYS[3] event stream
-- KEYS[4] the volunteer's record   KEYS[5] their list of handled calls
-- KEYS[6] the caller's earlier contacts   KEYS[7] the new line
-- args: volunteer (id)   member   record (id)   now (ms)   topic (the new one)   note
-- wrapup_until, wrapup_limit (ms)   today   keep, contacts_keep (s)   span (of scores)
-- Returns 'moved', or why not: 'stale' (not this volunteer's conversation now), 'busy' (a
-- warm hand-over is under way).
-- uses: in_conversation, end_part
local refused = in_conversation(KEYS[1], KEYS[2], args.member)
if refused then
  return refused
end
end_part(KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], args)
local from = redis.call('HGET', KEYS[2], 'topic') or ''
redis.call('HINCRBY', KEYS[2], 'round', 1)
redis.call('HDEL', KEYS[2], 'offered_to', 'offered_at', 'volunteer_leg', 'connected_at',
  'queue_sid', 'on_hold')
redis.call('HSET', KEYS[2], 'state', 'waiting', 'topic', args.topic, 'line', KEYS[7],
  'transfer_note', args.note, 'transferred_at', args.now)
redis.call('ZADD', KEYS[7], redis.call('HGET', KEYS[2], 'score'), args.member)
redis.call('XADD', KEYS[3], '*', 'type', 'handover', 'how', 'line', 'member', args.member,
  'volunteer', args.volunteer, 't', args.now, 'topic', from, 'to_topic', args.topic)
return 'moved'
