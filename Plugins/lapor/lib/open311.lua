-- Open311 GeoReport v2: the mapping from lapor records to Open311 objects (services, service
-- definitions, requests, discovery) and the GET requests filters. Ids and codes are strings,
-- datetimes are WIB with their offset. Routes: open311_routes.lua, open311_post.lua.
local L = require("lib.labels")
local T = require("lib.isotime")
local A = require("lib.attributes")

local O = {}

O.MAX_ROWS = 1000        -- GeoReport v2: at most 1000 requests per answer
O.WINDOW = 90 * 86400    -- GeoReport v2: the default (and largest) date range
O.CLOSED = { "ditutup", "ditolak", "digabung" }
O.OPEN = { "diajukan", "diverifikasi", "didisposisikan", "ditindaklanjuti", "menunggu_pelapor", "selesai" }

local function nonempty(v) if v ~= nil and v ~= "" then return v end end
O.nonempty = nonempty

local function both(x) return x.id .. " / " .. x.en end

---------------------------------------------------------------------------------------------
-- services

local function name_of(c) return c.name_id .. " / " .. c.name_en end

function O.service(c)
  return {
    service_code = c.code,
    service_name = name_of(c),
    description = c.name_id .. " — ditangani " .. c.opd .. " / " .. c.name_en .. " — handled by " .. c.opd,
    metadata = #A.of(c.code) > 0, type = "realtime",
    keywords = (c.keywords or ""):gsub(";", ","),
    group = c.opd,
  }
end

function O.service_definition(c)
  local attrs = {}
  for _, a in ipairs(A.of(c.code)) do attrs[#attrs + 1] = A.open311_view(a) end
  return { service_code = c.code, attributes = klik.json.array(attrs) }
end

---------------------------------------------------------------------------------------------
-- requests

local POLICY_LABELS = {
  verifikasi = { id = "verifikasi", en = "verification" },
  tindak_lanjut = { id = "tindak lanjut OPD", en = "agency follow-up" },
}

local function policy_label(policy)
  return POLICY_LABELS[policy] or { id = "penyelesaian", en = "resolution" }
end

-- The SLA wording for a running clock: "Batas waktu ...: <due> / ... due: <due>".
function O.notice(clock)
  if not clock or not clock.due then return nil end
  local p = policy_label(clock.policy)
  return "Batas waktu " .. p.id .. ": " .. clock.due .. " / " .. p.en:sub(1, 1):upper() .. p.en:sub(2) .. " due: " .. clock.due
end

-- `r` a public report, `c` its category (or nil), `due` its running clock (or nil), `opd_name`
-- the assigned agency's name. No reporter data, whatever the report's options; a media link
-- only for reports that are not anonim (a photo host's address may name its owner). `photo_url`,
-- the first photo filed with the report (served by this server, metadata stripped), comes first.
function O.request(r, c, due, opd_name, photo_url)
  local closed = r.status == "ditutup" or r.status == "ditolak" or r.status == "digabung"
  local notes = both(L.statuses[r.status])
  if r.status == "digabung" and r.merged_into then
    notes = L.statuses.digabung.id .. " #" .. r.merged_into .. " / " .. L.statuses.digabung.en .. " #" .. r.merged_into
  end
  if r.status == "ditolak" and L.reject_reasons[r.reject_reason] then
    notes = L.statuses.ditolak.id .. ": " .. L.reject_reasons[r.reject_reason].id .. " / "
      .. L.statuses.ditolak.en .. ": " .. L.reject_reasons[r.reject_reason].en
  end
  local running = due and (due.state == "running" or due.state == "paused") and not closed
  return {
    service_request_id = tostring(r.id),
    status = closed and "closed" or "open",
    status_notes = notes,
    service_name = c and name_of(c) or r.category,
    service_code = r.category,
    description = r.description,
    agency_responsible = nonempty(r.opd) and (opd_name or r.opd) or nil,
    service_notice = running and O.notice(due) or nil,
    requested_datetime = T.wib_of(r.created_at),
    updated_datetime = T.wib_of(r.updated_at),
    expected_datetime = running and due.due or nil,
    address = nonempty(r.address),
    address_id = nonempty(r.address_id),
    lat = r.latitude, long = r.longitude,
    media_url = photo_url or (not r.anonim and nonempty(r.media_url)) or nil,
  }
end

-- Open311 may show a report: verified (public) and not rahasia.
function O.listable(r)
  return r ~= nil and r.is_public == true and not r.rahasia
end

---------------------------------------------------------------------------------------------
-- GET requests filters

local function positive_integer(text)
  local n = tonumber(text)
  if n and n == math.floor(n) and n >= 1 then return math.tointeger(n) end
end

-- Parses the filters; answers `{where, page, page_size}` or nil and a list of problems.
-- `service_request_id` overrides every other filter (the spec), paging included.
function O.request_filters(q)
  local where = { is_public = true }
  local ids = nonempty(q.service_request_id)
  if ids then
    local list = {}
    for part in ids:gmatch("[^,]+") do
      local n = positive_integer(part:match("^%s*(.-)%s*$"))
      if not n then return nil, { "service_request_id harus daftar angka dipisah koma / service_request_id must be a comma-separated list of numbers" } end
      list[#list + 1] = n
    end
    if #list > 100 then return nil, { "service_request_id: paling banyak 100 id / service_request_id: at most 100 ids" } end
    where.id = { ["in"] = list }
    return { where = where, page = 1, page_size = #list }
  end
  local problems = {}
  if nonempty(q.service_code) then where.category = q.service_code end
  local status = nonempty(q.status)
  if status == "closed" then where.status = { ["in"] = O.CLOSED }
  elseif status == "open" then where.status = { ["in"] = O.OPEN }
  elseif status then problems[#problems + 1] = "status harus open atau closed / status must be open or closed" end
  local now = klik.time.now()
  local start_t, end_t = nonempty(q.start_date) and T.parse(q.start_date), nonempty(q.end_date) and T.parse(q.end_date)
  if nonempty(q.start_date) and not start_t then
    problems[#problems + 1] = "start_date harus waktu ISO 8601, mis. 2026-01-05T00:00:00+07:00 / start_date must be an ISO 8601 time, e.g. 2026-01-05T00:00:00+07:00"
  end
  if nonempty(q.end_date) and not end_t then
    problems[#problems + 1] = "end_date harus waktu ISO 8601, mis. 2026-02-05T00:00:00+07:00 / end_date must be an ISO 8601 time, e.g. 2026-02-05T00:00:00+07:00"
  end
  local page, page_size = 1, O.MAX_ROWS
  if nonempty(q.page) then
    page = positive_integer(q.page)
    if not page then problems[#problems + 1] = "page harus bilangan bulat ≥ 1 / page must be an integer ≥ 1" end
  end
  if nonempty(q.page_size) then
    page_size = positive_integer(q.page_size)
    if not page_size or page_size > O.MAX_ROWS then
      problems[#problems + 1] = "page_size harus bilangan bulat 1–1000 / page_size must be an integer from 1 to 1000"
    end
  end
  if #problems > 0 then return nil, problems end
  if not start_t and not end_t then start_t, end_t = now - O.WINDOW, now
  elseif not start_t then start_t = end_t - O.WINDOW
  elseif not end_t then end_t = start_t + O.WINDOW end
  if end_t < start_t then return nil, { "end_date sebelum start_date / end_date is before start_date" } end
  if end_t - start_t > O.WINDOW then
    return nil, { "rentang start_date–end_date paling lama 90 hari / the start_date–end_date range may span at most 90 days" }
  end
  where.created_at = { gte = klik.time.iso(start_t), lte = klik.time.iso(end_t) }
  return { where = where, page = page, page_size = page_size }
end

---------------------------------------------------------------------------------------------
-- discovery

local function newest(collection)
  local r = klik.db.find(collection, { order = "-updated_at", limit = 1 }).items[1]
  return r and T.parse(r.updated_at) or 0
end

function O.discovery(base_url)
  local changed = T.wib(math.max(newest("categories"), newest("attributes")))
  local s = klik.settings
  return {
    changeset = changed,
    contact = s.get("open311_contact"),
    key_service = s.get("open311_key_service"),
    endpoints = klik.json.array({ {
      specification = "http://wiki.open311.org/GeoReport_v2",
      url = base_url,
      changeset = changed,
      type = s.get("open311_endpoint_type"),
      formats = klik.json.array({ "text/xml", "application/json" }),
    } }),
  }
end

return O
