-- peek: the caller a volunteer should be offered, read-only. Their own lines first; a caller in
-- another line (same language) qualifies once they waited the widening time. Among qualifying
-- heads the lowest score wins (priority, then arrival). The member the volunteer just turned
-- down is skipped until their skip_until.
-- KEYS[1] volunteer hash   KEYS[2..own+1] the volunteer's own lines   KEYS[..] other lines
-- args: now (ms)   widen_after (ms)   own (the number of own lines)   span (of scores)
-- Returns {member, line key, widened '1'/'0'} or an empty list.
-- uses: arrival_of
local now = tonumber(args.now)
local own_count = tonumber(args.own)
local skip = redis.call('HGET', KEYS[1], 'skip') or ''
local skip_until = tonumber(redis.call('HGET', KEYS[1], 'skip_until') or '0')
local best, best_score, best_key, best_widened
for i = 2, #KEYS do
  local own = (i <= own_count + 1)
  local items = redis.call('ZRANGE', KEYS[i], 0, 1, 'WITHSCORES')
  for j = 1, #items, 2 do
    local member, score = items[j], tonumber(items[j + 1])
    if not (member == skip and now < skip_until) then
      if own or (now - arrival_of(score, args.span)) >= tonumber(args.widen_after) then
        if best == nil or score < best_score then
          best, best_score, best_key = member, score, KEYS[i]
          best_widened = own and '0' or '1'
        end
      end
      break
    end
  end
end
if best == nil then
  return {}
end
return {best, best_key, best_widened}
