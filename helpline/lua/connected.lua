-- connected: the volunteer pressed 1 and the caller is being bridged.
-- KEYS[1] volunteer hash   KEYS[2] party hash   KEYS[3] event stream
-- KEYS[4] recent answers of the party's topic (for wait estimates)
-- args: volunteer (id)   member   now (ms)   span (of scores)   keep_answers (ms: younger ones)
-- Returns 'connected', or 'gone' when the caller hung up or the attempt ended.
-- uses: still_connecting, arrival_of, note_answer
if not still_connecting(KEYS[1], KEYS[2], args.member) then
  return 'gone'
end
local wait = tonumber(args.now) - arrival_of(redis.call('HGET', KEYS[2], 'score'), args.span)
redis.call('HSET', KEYS[1], 'state', 'on_call', 'state_since', args.now)
redis.call('HSET', KEYS[2], 'state', 'connected', 'connected_at', args.now, 'wait_ms', wait)
note_answer(KEYS[4], args.member, args.now, args.keep_answers)
redis.call('XADD', KEYS[3], '*', 'type', 'connected', 'member', args.member,
  'volunteer', args.volunteer, 't', args.now, 'wait_ms', wait,
  'topic', redis.call('HGET', KEYS[2], 'topic') or '',
  'widened', redis.call('HGET', KEYS[1], 'offer_widened') or '0',
  'round', redis.call('HGET', KEYS[2], 'round') or '0')
return 'connected'
