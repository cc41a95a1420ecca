-- Open311 GeoReport v2, JSON only (first slice): services, a service definition, requests.
-- Errors are bare arrays of {code, description}; ids and codes are strings; datetimes carry a zone.
local L = require("lib.labels")

local O = {}

local function errors(status, description)
  return { status = status, json = klik.json.array({ { code = status, description = description } }) }
end

local function nonempty(v) if v ~= nil and v ~= "" then return v end end

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

-- `2026-01-05T09:00:00+07:00`, `...Z`, or a bare date (WIB midnight) → Unix seconds, or nil.
function O.parse_time(text)
  if type(text) ~= "string" then return nil end
  local y, mo, d = text:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if y then return days_from_civil(tonumber(y), tonumber(mo), tonumber(d)) * 86400 - 7 * 3600 end
  local h, mi, s, rest
  y, mo, d, h, mi, s, rest = text:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)T(%d%d):(%d%d):(%d%d)%.?%d*(.*)$")
  if not y then return nil end
  local offset
  if rest == "Z" then offset = 0
  else
    local sign, oh, om = rest:match("^([+-])(%d%d):?(%d%d)$")
    if not sign then return nil end
    offset = (tonumber(oh) * 3600 + tonumber(om) * 60) * (sign == "-" and -1 or 1)
  end
  return days_from_civil(tonumber(y), tonumber(mo), tonumber(d)) * 86400
    + tonumber(h) * 3600 + tonumber(mi) * 60 + tonumber(s) - offset
end

local function service(c)
  return {
    service_code = c.code,
    service_name = c.name_id .. " / " .. c.name_en,
    description = c.name_id .. " — ditangani " .. c.opd .. " / " .. c.name_en .. " — handled by " .. c.opd,
    metadata = false, type = "realtime",
    keywords = (c.keywords or ""):gsub(";", ","),
    group = c.opd,
  }
end

function O.services(category_list)
  local out = {}
  for _, c in ipairs(category_list) do out[#out + 1] = service(c) end
  return { json = klik.json.array(out) }
end

function O.service_definition(code, find_category)
  if not code then return errors(400, "Hanya format JSON / only the JSON format is offered") end
  local c = find_category(code)
  if not c or c.active == false then return errors(404, "Layanan tidak dikenal / unknown service_code") end
  return { json = { service_code = c.code, attributes = klik.json.array({}) } }
end

-- `r`: a public report; `due`: the current clock's status or nil.
function O.request(r, c, due)
  local label = L.statuses[r.status]
  return {
    service_request_id = tostring(r.id),
    status = r.status == "ditutup" and "closed" or "open",
    status_notes = label.id .. " / " .. label.en,
    service_name = c and (c.name_id .. " / " .. c.name_en) or r.category,
    service_code = r.category,
    description = r.description,
    agency_responsible = r.opd,
    service_notice = due and due.due and ("Batas waktu / deadline " .. due.due) or nil,
    requested_datetime = r.created_at,
    updated_datetime = r.updated_at,
    expected_datetime = due and due.due or nil,
    address = r.address,
    lat = r.latitude, long = r.longitude,
  }
end

-- Parses the GET requests.json filters; answers a `where` table or an error response.
function O.request_filters(q)
  local where = { is_public = true }
  local ids = nonempty(q.service_request_id)
  if ids then
    local list = {}
    for part in ids:gmatch("[^,]+") do
      local n = tonumber(part)
      if not n then return nil, errors(400, "service_request_id harus angka / service_request_id must be numeric") end
      list[#list + 1] = n
      if #list > 100 then return nil, errors(400, "paling banyak 100 id / at most 100 ids") end
    end
    where.id = { ["in"] = list }
    return where
  end
  if nonempty(q.service_code) then where.category = q.service_code end
  local status = nonempty(q.status)
  if status and status ~= "open" and status ~= "closed" then
    return nil, errors(400, "status harus open atau closed / status must be open or closed")
  end
  if status == "closed" then where.status = "ditutup" end
  if status == "open" then where.status = { ne = "ditutup" } end
  local now = klik.time.now()
  local start_t, end_t = now - 90 * 86400, now
  if nonempty(q.start_date) then
    start_t = O.parse_time(q.start_date)
    if not start_t then return nil, errors(400, "start_date tidak sah / invalid start_date") end
  end
  if nonempty(q.end_date) then
    end_t = O.parse_time(q.end_date)
    if not end_t then return nil, errors(400, "end_date tidak sah / invalid end_date") end
    if not nonempty(q.start_date) then start_t = end_t - 90 * 86400 end
  end
  if end_t < start_t then return nil, errors(400, "end_date sebelum start_date / end_date before start_date") end
  if end_t - start_t > 90 * 86400 then
    return nil, errors(400, "rentang paling lama 90 hari / the date range may span at most 90 days")
  end
  where.created_at = { gte = klik.time.iso(start_t), lte = klik.time.iso(end_t) }
  return where
end

O.errors = errors
return O
