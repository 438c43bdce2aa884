-- warm_leg: remember the phone leg of a colleague rung for a warm hand-over, while they are
-- still being rung for it.
-- KEYS[1] colleague's hash
-- args: member   leg (sid)
-- Returns 'attached', or 'gone' when that hand-over is over (end the leg then).
if redis.call('HGET', KEYS[1], 'offer') ~= args.member
    or (redis.call('HGET', KEYS[1], 'offer_warm') or '') == ''
    or redis.call('HGET', KEYS[1], 'state') ~= 'connecting' then
  return 'gone'
end
redis.call('HSET', KEYS[1], 'leg', args.leg)
return 'attached'
