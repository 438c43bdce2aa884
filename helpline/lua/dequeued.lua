-- dequeued: Twilio took a waiting caller out of the queue to a volunteer (QueueResult bridged
-- or redirected). Records the answer moment for wait estimates.
-- KEYS[1] call hash   KEYS[2] waiting list of the topic   KEYS[3] event stream
-- KEYS[4] recent answers of the topic (zset)
-- args: sid (call)   member (its id in the list)   now (ms)   line (the list key as read)
-- how (QueueResult)   keep_answers (ms: younger ones)
-- Returns the state after the change.
-- uses: leave_line, note_answer
local state, wait = leave_line(KEYS[1], KEYS[2], args.line, args.member, args.now,
  'answered', 'answered_at', args.now)
if state then
  return state
end
note_answer(KEYS[4], args.sid, args.now, args.keep_answers)
redis.call('XADD', KEYS[3], '*', 'type', 'answered', 'call', args.sid, 't', args.now,
  'topic', redis.call('HGET', KEYS[1], 'topic') or '', 'how', args.how, 'wait_ms', wait)
return 'answered'
