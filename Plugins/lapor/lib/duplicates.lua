-- Duplicate suggestions: open reports of the same category within `duplicate_radius_m` metres.
-- A bounding box on the indexed (category, latitude, longitude) narrows the candidates in SQL;
-- the haversine distance then keeps those really inside the circle, nearest first.
local L = require("lib.labels")
local err = L.err

local D = {}

local EARTH_M = 6371008.8 -- mean Earth radius (IUGG), metres
local CANDIDATES = 200     -- bounded read: at most this many reports inside the box

-- Statuses of a report that is still being handled (a duplicate of it is worth merging).
D.OPEN = { "diajukan", "diverifikasi", "didisposisikan", "ditindaklanjuti", "menunggu_pelapor", "selesai" }

function D.distance(lat1, lon1, lat2, lon2)
  local r = math.pi / 180
  local dlat, dlon = (lat2 - lat1) * r, (lon2 - lon1) * r
  local a = math.sin(dlat / 2) ^ 2 + math.cos(lat1 * r) * math.cos(lat2 * r) * math.sin(dlon / 2) ^ 2
  return 2 * EARTH_M * math.asin(math.min(1, math.sqrt(a)))
end

-- The latitude/longitude box around a point that contains every point within `radius` metres.
function D.box(lat, lon, radius)
  local dlat = radius / EARTH_M * 180 / math.pi
  local c = math.cos(lat * math.pi / 180)
  local dlon = c > 0.01 and dlat / c or 180
  return math.max(-90, lat - dlat), math.min(90, lat + dlat), math.max(-180, lon - dlon), math.min(180, lon + dlon)
end

-- Open reports of `category` near (lat, lon), nearest first, at most `opts.max`:
-- `opts.radius` metres, `opts.exclude` an id to leave out, `opts.public_only` only public
-- reports, `opts.visible(r)` a further filter (what the caller may see).
function D.nearby(category, lat, lon, opts)
  local lat0, lat1, lon0, lon1 = D.box(lat, lon, opts.radius)
  local where = { category = category, latitude = { gte = lat0, lte = lat1 }, longitude = { gte = lon0, lte = lon1 },
                  status = { ["in"] = D.OPEN } }
  if opts.public_only then where.is_public = true end
  local page = klik.db.find("reports", { where = where, order = "latitude", limit = CANDIDATES })
  local found = {}
  for _, r in ipairs(page.items) do
    if r.id ~= opts.exclude and not (opts.public_only and r.rahasia) and (not opts.visible or opts.visible(r)) then
      local d = D.distance(lat, lon, r.latitude, r.longitude)
      if d <= opts.radius then found[#found + 1] = { r = r, d = d } end
    end
  end
  table.sort(found, function(a, b) if a.d ~= b.d then return a.d < b.d end return a.r.id < b.r.id end)
  local out = {}
  for i = 1, math.min(#found, opts.max) do out[i] = found[i] end
  return out
end

-- What a suggestion shows: the problem, never the reporter.
function D.view(hit, short)
  local r = hit.r
  return { id = r.id, category = r.category, status = r.status, status_label = L.statuses[r.status],
    description = short(r.description), kecamatan = r.kecamatan, desa = r.desa,
    distance_m = math.floor(hit.d + 0.5), created_at = r.created_at, duplicate_count = r.duplicate_count or 0 }
end

-- Suggestions for a citizen at filing time: public reports only.
function D.suggest(category, lat, lon, exclude, short)
  if type(lat) ~= "number" or type(lon) ~= "number" then return klik.json.array({}) end
  local out = {}
  for _, hit in ipairs(D.nearby(category, lat, lon, { radius = klik.settings.get("duplicate_radius_m"),
      max = klik.settings.get("duplicate_suggestions"), exclude = exclude, public_only = true })) do
    out[#out + 1] = D.view(hit, short)
  end
  return klik.json.array(out)
end

local function number(q, field, min, max, problems)
  local v = tonumber(q[field])
  if not v or v < min or v > max then
    problems[#problems + 1] = { field = field, message = field .. " harus angka " .. min .. ".." .. max ..
      " / " .. field .. " must be a number " .. min .. ".." .. max }
  end
  return v
end

-- GET /duplicates/nearby?category=&latitude=&longitude= — preview before filing.
function D.preview_handler(H)
  return function(req)
    local q, problems = req.query, {}
    local c = H.category(q.category)
    if not c or c.active == false then
      problems[#problems + 1] = { field = "category", message = "Kategori tidak dikenal / Unknown category" }
    end
    local lat = number(q, "latitude", -90, 90, problems)
    local lon = number(q, "longitude", -180, 180, problems)
    if #problems > 0 then return H.invalid(problems) end
    return { json = { radius_m = klik.settings.get("duplicate_radius_m"),
                      items = D.suggest(c.code, lat, lon, nil, H.short) } }
  end
end

-- GET /staff/reports/{id}/duplicates[?radius_m=] — merge candidates the caller may open.
function D.staff_handler(H)
  return function(req)
    local r = H.report_of(req)
    if not r or not H.staff_may_see(req.user, r) then return L.not_found() end
    local radius = klik.settings.get("duplicate_radius_m")
    if req.query.radius_m and req.query.radius_m ~= "" then
      local problems = {}
      radius = number(req.query, "radius_m", 1, 5000, problems)
      if #problems > 0 then return H.invalid(problems) end
    end
    local out = {}
    if type(r.latitude) == "number" and type(r.longitude) == "number" then
      for _, hit in ipairs(D.nearby(r.category, r.latitude, r.longitude, { radius = radius, max = 50, exclude = r.id,
          visible = function(x) return x.status ~= "digabung" and H.staff_may_see(req.user, x) end })) do
        out[#out + 1] = D.view(hit, H.short)
      end
    end
    return { json = { radius_m = radius, located = r.latitude ~= nil, items = klik.json.array(out) } }
  end
end

return D
