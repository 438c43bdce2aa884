-- note_answer: a caller was answered now; the recent answers feed the wait estimates, and
-- answers older than keep_ms are dropped.
local function note_answer(answered_key, who, now, keep_ms)
  redis.call('ZADD', answered_key, now, who)
  redis.call('ZREMRANGEBYSCORE', answered_key, '-inf',
    string.format('%d', tonumber(now) - tonumber(keep_ms)))
end
