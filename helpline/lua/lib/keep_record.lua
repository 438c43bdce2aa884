-- keep_record: a volunteer's record of a conversation that just ended (for "my calls", the
-- wrap-up, and the caller's earlier contacts), kept args.keep seconds; listed under the
-- volunteer and, when the caller is known by a pseudonym, under the caller.
-- a: record (id)   member   volunteer   now (ms)   keep (s)   span (of scores)
-- contacts_keep (s: the repeat window)
-- uses: arrival_of
local function keep_record(record_key, list_key, contacts_key, party_key, a, talk)
  local party = redis.call('HMGET', party_key, 'topic', 'lang', 'repeat', 'referral', 'score',
    'connected_at', 'caller')
  local waited = math.max(0, tonumber(party[6] or a.now) - arrival_of(party[5] or '0', a.span))
  redis.call('HSET', record_key, 'member', a.member, 'volunteer', a.volunteer,
    'topic', party[1] or '', 'lang', party[2] or '', 'repeat', party[3] or '0',
    'referral', party[4] or '', 'waited_ms', string.format('%d', waited), 'talk_ms', talk,
    'done_at', a.now, 'wrapped', '0')
  redis.call('EXPIRE', record_key, a.keep)
  redis.call('ZADD', list_key, a.now, a.record)
  redis.call('ZREMRANGEBYRANK', list_key, 0, -501)
  redis.call('EXPIRE', list_key, a.keep)
  if (party[7] or '') ~= '' then
    redis.call('ZADD', contacts_key, a.now, a.record)
    redis.call('ZREMRANGEBYRANK', contacts_key, 0, -21)
    redis.call('EXPIRE', contacts_key, a.contacts_keep)
  end
end
