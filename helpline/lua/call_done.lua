-- call_done: the conversation is over. The party is done (a callback forgets its number), the
-- volunteer goes to wrap-up until wrapup_until.
-- It also keeps the volunteer's record of the conversation (for "my calls", the wrap-up and
-- the caller's earlier contacts).
-- KEYS[1] volunteer hash   KEYS[2] party hash   KEYS[3] event stream
-- KEYS[4] handled-call record   KEYS[5] the volunteer's list of handled calls
-- KEYS[6] the caller's earlier contacts (any key when the caller has no pseudonym)
-- args: volunteer (id)   member   record (id of this conversation)   now (ms)
-- wrapup_until, wrapup_limit (ms)   today (YYYY-MM-DD)   keep (s: how long records are kept)
-- contacts_keep (s)   span (of scores)
-- Returns 'wrapup', or 'stale' when this call is not the volunteer's current one.
-- uses: holds_offer, end_part
if not holds_offer(KEYS[1], args.member, 'on_call') then
  return 'stale'
end
local talk = end_part(KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], args)
redis.call('HSET', KEYS[2], 'state', 'done', 'done_at', args.now, 'talk_ms', talk)
redis.call('HDEL', KEYS[2], 'number', 'on_hold', 'warm_to', 'warm_joined')
return 'wrapup'
