-- arrival_of: the arrival moment (ms) in a waiting-list score (see keys.score).
local function arrival_of(score, span)
  return tonumber(score) % tonumber(span)
end
