-- warm_start: the volunteer hands their caller to a colleague, warm. The colleague (available)
-- is reserved as if they had accepted this caller; their phone rings next. The caller stays in
-- the conversation (on hold) meanwhile.
-- KEYS[1] volunteer hash   KEYS[2] colleague's hash   KEYS[3] party hash   KEYS[4] events
-- KEYS[5..] the colleague's availability sets
-- args: volunteer (id)   colleague (id)   member   now (ms)
-- Returns 'started', or why not: 'stale' (not this volunteer's conversation now), 'busy' (a
-- hand-over is under way), 'colleague-busy'.
-- uses: in_conversation
local refused = in_conversation(KEYS[1], KEYS[3], args.member)
if refused then
  return refused
end
if redis.call('HGET', KEYS[2], 'state') ~= 'available' then
  return 'colleague-busy'
end
redis.call('HSET', KEYS[2], 'state', 'connecting', 'state_since', args.now,
  'offer', args.member, 'offer_key', KEYS[3], 'offer_line', '', 'offer_expires', args.now,
  'offer_widened', '0', 'offer_warm', args.volunteer, 'notice', '')
for i = 5, #KEYS do
  redis.call('ZREM', KEYS[i], args.colleague)
end
redis.call('HSET', KEYS[1], 'handover', args.colleague)
redis.call('HSET', KEYS[3], 'warm_to', args.colleague)
redis.call('XADD', KEYS[4], '*', 'type', 'handover_started', 'how', 'warm',
  'member', args.member, 'volunteer', args.volunteer, 'colleague', args.colleague,
  't', args.now)
return 'started'
