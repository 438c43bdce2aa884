-- sms_progress: where a text message is now. A status only moves forward (by rank), so a late
-- or repeated status callback changes nothing; the number leaves as soon as Twilio has the
-- message or it failed. ``release`` hands a message the job could not send back to the next
-- try.
-- KEYS[1] the conversation's sms hash   KEYS[2] event stream
-- args: member   status   rank   release (boolean)   sid (Twilio's message sid, or '')   now (ms)
-- Returns the status the message has now, or 'gone'.
local current = redis.call('HGET', KEYS[1], 'status')
if not current then
  return 'gone'
end
if args.release then
  if current ~= 'sending' then
    return current
  end
  redis.call('HSET', KEYS[1], 'status', args.status, 'rank', args.rank)
  return args.status
end
if tonumber(redis.call('HGET', KEYS[1], 'rank') or '0') >= tonumber(args.rank) then
  return current
end
redis.call('HDEL', KEYS[1], 'number')
redis.call('HSET', KEYS[1], 'status', args.status, 'rank', args.rank)
if args.sid ~= '' then
  redis.call('HSET', KEYS[1], 'sid', args.sid)
end
redis.call('XADD', KEYS[2], '*', 'type', 'sms_status', 'member', args.member,
  'status', args.status, 't', args.now)
return args.status
