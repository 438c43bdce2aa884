-- hold_state: the volunteer puts their caller on hold, or takes them back.
-- KEYS[1] volunteer hash   KEYS[2] party hash   KEYS[3] event stream
-- args: volunteer (id)   member   now (ms)   hold (true: on hold, false: back)
-- Returns 'held', 'resumed', or why not: 'stale' (not the volunteer's conversation now),
-- 'busy' (a warm hand-over is under way).
-- uses: in_conversation
local refused = in_conversation(KEYS[1], KEYS[2], args.member)
if refused then
  return refused
end
if args.hold then
  redis.call('HSET', KEYS[2], 'on_hold', args.now)
else
  redis.call('HDEL', KEYS[2], 'on_hold')
end
redis.call('XADD', KEYS[3], '*', 'type', args.hold and 'hold' or 'resumed',
  'member', args.member, 'volunteer', args.volunteer, 't', args.now)
return args.hold and 'held' or 'resumed'
