-- ISO 8601 times for Open311: parsing what clients send, writing WIB times with their offset.
local T = {}

T.WIB = 7 * 3600

-- Days since 1970-01-01 of a civil date (proleptic Gregorian).
local function days_from_civil(y, m, d)
  y = (m <= 2) and (y - 1) or y
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

-- The civil date of a day number (the inverse of days_from_civil).
local function civil_from_days(z)
  z = z + 719468
  local era = (z >= 0 and z or z - 146096) // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  return yoe + era * 400 + (m <= 2 and 1 or 0), m, d
end

local function valid_date(y, m, d)
  if m < 1 or m > 12 or d < 1 or d > 31 then return false end
  local yy, mm = civil_from_days(days_from_civil(y, m, d))
  return yy == y and mm == m
end

-- `2026-01-05T09:00:00+07:00`, `...Z`, `...+0700`, or a bare date (midnight WIB) → Unix seconds,
-- or nil when the text is not such a time. A time without a zone is refused (the spec needs one).
function T.parse(text)
  if type(text) ~= "string" then return nil end
  local y, mo, d = text:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if y then
    y, mo, d = tonumber(y), tonumber(mo), tonumber(d)
    if not valid_date(y, mo, d) then return nil end
    return days_from_civil(y, mo, d) * 86400 - T.WIB
  end
  local h, mi, s, rest
  y, mo, d, h, mi, s, rest = text:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)T(%d%d):(%d%d):(%d%d)%.?%d*(.*)$")
  if not y then return nil end
  y, mo, d, h, mi, s = tonumber(y), tonumber(mo), tonumber(d), tonumber(h), tonumber(mi), tonumber(s)
  if not valid_date(y, mo, d) or h > 23 or mi > 59 or s > 60 then return nil end
  local offset
  if rest == "Z" then offset = 0
  else
    local sign, oh, om = rest:match("^([+-])(%d%d):?(%d%d)$")
    if not sign then return nil end
    offset = (tonumber(oh) * 3600 + tonumber(om) * 60) * (sign == "-" and -1 or 1)
  end
  return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset
end

-- Unix seconds → `2026-01-05T09:00:00+07:00` (WIB, whole seconds).
function T.wib(t)
  local local_t = math.floor(t) + T.WIB
  local days, secs = local_t // 86400, local_t % 86400
  local y, m, d = civil_from_days(days)
  return string.format("%04d-%02d-%02dT%02d:%02d:%02d+07:00", y, m, d, secs // 3600, secs % 3600 // 60, secs % 60)
end

-- A stored time (the kernel writes `...Z`) as WIB with its offset; nil stays nil.
function T.wib_of(iso)
  local t = T.parse(iso)
  return t and T.wib(t) or nil
end

return T
