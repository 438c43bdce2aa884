-- warm_join: the colleague pressed 1 and joins the caller and the first volunteer.
-- KEYS[1] colleague's hash   KEYS[2] party hash   KEYS[3] event stream
-- args: colleague (id)   member   now (ms)
-- Returns 'joined', or 'stale' when the hand-over is over.
-- uses: holds_offer
if not holds_offer(KEYS[1], args.member, 'connecting')
    or redis.call('HGET', KEYS[2], 'warm_to') ~= args.colleague
    or redis.call('HGET', KEYS[2], 'state') ~= 'connected' then
  return 'stale'
end
redis.call('HSET', KEYS[1], 'state', 'on_call', 'state_since', args.now)
redis.call('HSET', KEYS[2], 'warm_joined', args.now)
redis.call('HDEL', KEYS[2], 'on_hold')  -- the three talk
redis.call('XADD', KEYS[3], '*', 'type', 'handover_joined', 'member', args.member,
  'volunteer', args.colleague, 't', args.now)
return 'joined'
