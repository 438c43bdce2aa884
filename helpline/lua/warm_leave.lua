-- warm_leave: the first volunteer leaves a warm hand-over their colleague has joined. Their
-- part ends as with call_done (record and wrap-up); the caller stays with the colleague, who
-- now holds the conversation (their talk time counts from when they joined).
-- KEYS[1] volunteer hash   KEYS[2] party hash   KEYS[3] event stream
-- KEYS[4] the volunteer's record   KEYS[5] their list of handled calls
-- KEYS[6] the caller's earlier contacts   KEYS[7] the colleague's hash
-- args: volunteer (id)   colleague (id)   member   record (id)   now (ms)
-- wrapup_until, wrapup_limit (ms)   today   keep, contacts_keep (s)   span (of scores)
-- Returns 'handed-over', or 'stale' when there is no joined hand-over to this colleague.
-- uses: holds_offer, end_part
if not holds_offer(KEYS[1], args.member, 'on_call')
    or not holds_offer(KEYS[7], args.member, 'on_call')
    or redis.call('HGET', KEYS[2], 'warm_to') ~= args.colleague
    or (redis.call('HGET', KEYS[2], 'warm_joined') or '') == '' then
  return 'stale'
end
end_part(KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], args)
redis.call('HINCRBY', KEYS[2], 'round', 1)
redis.call('HSET', KEYS[2], 'offered_to', args.colleague,
  'connected_at', redis.call('HGET', KEYS[2], 'warm_joined'))
redis.call('HDEL', KEYS[2], 'warm_to', 'warm_joined', 'on_hold')
redis.call('HDEL', KEYS[7], 'offer_warm')
redis.call('XADD', KEYS[3], '*', 'type', 'handover', 'how', 'warm', 'member', args.member,
  'volunteer', args.volunteer, 'colleague', args.colleague, 't', args.now,
  'topic', redis.call('HGET', KEYS[2], 'topic') or '')
return 'handed-over'
