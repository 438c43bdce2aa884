-- peek: the caller a volunteer should be offered, read-only. Their own lines first; a caller in
-- another line (same language) qualifies once they waited the widening time. Among qualifying
-- heads the lowest score wins (priority, then arrival). The member the volunteer just turned
-- down is skipped until ARGV[4].
-- KEYS[1] volunteer hash   KEYS[2..ARGV[3]+1] the volunteer's own lines   KEYS[..] other lines
-- ARGV[1] now (ms)   ARGV[2] widen after (ms)   ARGV[3] number of own lines   ARGV[4] score span
-- Returns {member, line key, widened '1'/'0'} or an empty list.
local now = tonumber(ARGV[1])
local own_count = tonumber(ARGV[3])
local span = tonumber(ARGV[4])
local skip = redis.call('HGET', KEYS[1], 'skip') or ''
local skip_until = tonumber(redis.call('HGET', KEYS[1], 'skip_until') or '0')
local best, best_score, best_key, best_widened
for i = 2, #KEYS do
  local own = (i <= own_count + 1)
  local items = redis.call('ZRANGE', KEYS[i], 0, 1, 'WITHSCORES')
  for j = 1, #items, 2 do
    local member, score = items[j], tonumber(items[j + 1])
    if not (member == skip and now < skip_until) then
      if own or (now - (score % span)) >= tonumber(ARGV[2]) then
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
