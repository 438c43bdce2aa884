-- offer_end: an offer or connection attempt ends without a conversation (declined, timed out,
-- the volunteer's phone did not answer or only voicemail did, the volunteer went away). The
-- caller goes back to their line with the same score; the volunteer is not offered the same
-- caller again before ARGV[6]; after ARGV[5] missed offers in a row they are paused.
-- KEYS[1] volunteer hash   KEYS[2] party hash   KEYS[3] the party's line   KEYS[4] events
-- KEYS[5..] the volunteer's availability sets
-- ARGV[1] volunteer id   ARGV[2] member   ARGV[3] now (ms)   ARGV[4] reason
-- ARGV[5] max missed in a row   ARGV[6] skip until (ms)   ARGV[7] counts as missed ('1'/'0')
-- ARGV[8] volunteer state afterwards ('' = available unless paused for missing)
-- ARGV[9] routing strategy   ARGV[10] pause reason when missed too often
-- ARGV[11] the volunteer state this ending applies to ('offered' or 'connecting')
-- Returns {the volunteer's state afterwards, their phone leg, the citizen leg of a callback}
-- (legs to cancel, '' if none), or {'stale', '', ''} when this offer is not current.
if redis.call('HGET', KEYS[1], 'offer') ~= ARGV[2] then
  return {'stale', '', ''}
end
if redis.call('HGET', KEYS[1], 'state') ~= ARGV[11] then
  return {'stale', '', ''}
end
local leg = redis.call('HGET', KEYS[1], 'leg') or ''
local citizen_leg = redis.call('HGET', KEYS[2], 'citizen_leg') or ''
local pstate = redis.call('HGET', KEYS[2], 'state')
if (pstate == 'offered' or pstate == 'connecting') and redis.call('HGET', KEYS[2], 'offered_to') == ARGV[1] then
  if redis.call('HEXISTS', KEYS[2], 'ended_at') == 1 then
    -- the caller hung up meanwhile: never back in line
    redis.call('HSET', KEYS[2], 'state', 'abandoned')
  else
    redis.call('ZADD', KEYS[3], redis.call('HGET', KEYS[2], 'score'), ARGV[2])
    redis.call('HSET', KEYS[2], 'state', 'waiting')
  end
  redis.call('HDEL', KEYS[2], 'offered_to', 'offered_at', 'volunteer_leg', 'citizen_leg')
end
local missed = tonumber(redis.call('HGET', KEYS[1], 'missed') or '0')
if ARGV[7] == '1' then
  missed = missed + 1
end
redis.call('HDEL', KEYS[1], 'offer', 'offer_key', 'offer_line', 'offer_expires', 'offer_widened',
  'leg')
redis.call('HSET', KEYS[1], 'missed', missed, 'skip', ARGV[2], 'skip_until', ARGV[6],
  'state_since', ARGV[3], 'notice', ARGV[4])
local new = ARGV[8]
if new == '' then
  if missed >= tonumber(ARGV[5]) then
    new = 'paused'
    redis.call('HSET', KEYS[1], 'paused_reason', ARGV[10])
  else
    new = 'available'
  end
end
redis.call('HSET', KEYS[1], 'state', new)
if new == 'available' then
  redis.call('HSET', KEYS[1], 'idle_since', ARGV[3])
  local score = tonumber(ARGV[3])
  if ARGV[9] == 'fewest_calls' then
    score = tonumber(redis.call('HGET', KEYS[1], 'calls_today') or '0') * 1e13 + score
  end
  for i = 5, #KEYS do
    redis.call('ZADD', KEYS[i], string.format('%d', score), ARGV[1])
  end
end
redis.call('XADD', KEYS[4], '*', 'type', 'offer_ended', 'reason', ARGV[4], 'member', ARGV[2],
  'volunteer', ARGV[1], 't', ARGV[3], 'volunteer_state', new)
return {new, leg, citizen_leg}
