-- Dates in WIB (UTC+7), the regency's time zone: parsing `YYYY-MM-DD` filters and naming days.
local T = {}

local OFFSET = 7 * 3600
T.DAY = 86400

-- Days since 1970-01-01 of a civil date (proleptic Gregorian calendar).
local function days_from_civil(y, m, d)
  y = (m <= 2) and (y - 1) or y
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
  return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
end

-- The WIB date of Unix time `t`, as `YYYY-MM-DD`.
function T.date(t) return klik.time.iso(t + OFFSET):sub(1, 10) end

-- `YYYY-MM-DD` → Unix time of that day's 00:00 WIB, or nil for anything else (2026-02-30 too).
function T.parse_date(text)
  if type(text) ~= "string" then return nil end
  local y, m, d = text:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then return nil end
  local t = days_from_civil(tonumber(y), tonumber(m), tonumber(d)) * T.DAY - OFFSET
  if T.date(t) ~= text then return nil end
  return t
end

-- The WIB date of a kernel timestamp (`2026-01-05T17:30:00.000Z` → `2026-01-06`).
function T.date_of(iso)
  local y, m, d, h, mi = tostring(iso):match("^(%d%d%d%d)%-(%d%d)%-(%d%d)T(%d%d):(%d%d)")
  if not y then return nil end
  return T.date(days_from_civil(tonumber(y), tonumber(m), tonumber(d)) * T.DAY + tonumber(h) * 3600 + tonumber(mi) * 60)
end

-- Day of the week in WIB: 1 = Monday … 7 = Sunday.
function T.weekday(t)
  return (math.floor((t + OFFSET) / T.DAY) + 3) % 7 + 1
end

return T
