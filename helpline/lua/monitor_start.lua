-- monitor_start: a mentor begins to listen to, coach in or join a volunteer's conversation.
-- uses: holds_offer
-- KEYS[1] the volunteer   KEYS[2] monitoring preferences   KEYS[3] the conversation's session
-- args: volunteer (id)   member   mentor (username)   mode   now (ms)   ttl (seconds)
-- Returns 'started', or why not: 'not-on-call', 'refused', 'busy' (another mentor is there).
if not holds_offer(KEYS[1], args.member, 'on_call') then
  return 'not-on-call'
end
if redis.call('HGET', KEYS[2], 'refuse:' .. args.volunteer) == '1' then
  return 'refused'
end
if redis.call('EXISTS', KEYS[3]) == 1 then
  return 'busy'
end
redis.call('HSET', KEYS[3], 'mentor', args.mentor, 'volunteer', args.volunteer,
  'mode', args.mode, 'modes', args.mode, 'started_at', args.now)
redis.call('EXPIRE', KEYS[3], tonumber(args.ttl))
return 'started'
