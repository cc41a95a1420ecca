-- Open311 GeoReport v2 read routes under /open311/v2/: discovery, services, a service
-- definition, requests (every filter, paging) and one request — each as `.json` or `.xml`.
-- Only public reports (verified, not rahasia) and never reporter data. POST and tokens:
-- open311_post.lua. `jurisdiction_id` is accepted and ignored (one jurisdiction).
local O = require("lib.open311")
local F = require("lib.open311_format")

local R = {}

-- A path parameter echoed in an error only when it is short and plain.
local function shown(text)
  if type(text) == "string" and #text <= 60 and text:match("^[%w_%.%-]+$") then return "'" .. text .. "' " end
  return ""
end

local function server_url()
  return ((klik.settings.get("open311_base_url") or ""):gsub("/+$", ""))
end

-- The first photo the reporter filed, at its public address under `base` (the report is public here).
local function photo_url(r, base)
  for _, p in ipairs(klik.db.find("photos", { where = { report = r.id }, order = "id", limit = 5 }).items) do
    if p.kind == "laporan" then return base .. r.id .. "/photos/" .. p.id end
  end
end

-- Per-answer lookups: categories by code, agency names by OPD code, the photos' address.
local function context(deps)
  local ctx = { cats = {}, opd_names = {} }
  for _, o in ipairs(klik.opd.list()) do ctx.opd_names[o.code] = o.name and o.name.id or o.code end
  local photos = server_url() .. "/api/v1/" .. klik.plugin.id .. "/public/reports/"
  function ctx.view(r)
    if ctx.cats[r.category] == nil then ctx.cats[r.category] = deps.category(r.category) or false end
    return O.request(r, ctx.cats[r.category] or nil, deps.due_clock(r), ctx.opd_names[r.opd], photo_url(r, photos))
  end
  return ctx
end

-- Public reports matching `sel.where`, newest first, page `sel.page` of `sel.page_size`.
local function collect(sel, deps)
  local ctx, out, after = context(deps), {}, nil
  local skip = (sel.page - 1) * sel.page_size
  repeat
    local page = klik.db.find("reports", { where = sel.where, order = "-created_at", limit = 500, after = after })
    for _, r in ipairs(page.items) do
      if O.listable(r) then
        if skip > 0 then skip = skip - 1
        elseif #out < sel.page_size then out[#out + 1] = ctx.view(r) end
      end
    end
    after = page.next
  until not after or #out >= sel.page_size
  return klik.json.array(out)
end

local function base_url()
  return server_url() .. "/api/v1/" .. klik.plugin.id .. "/open311/v2"
end

function R.install(M, deps)
  function M.open311_discovery(req)
    return F.respond(req, 200, "discovery", O.discovery(base_url()))
  end

  function M.open311_services(req)
    local out = {}
    for _, c in ipairs(klik.db.find("categories", { order = "code", limit = 500 }).items) do
      if c.active ~= false then out[#out + 1] = O.service(c) end
    end
    return F.respond(req, 200, "services", klik.json.array(out))
  end

  function M.open311_service(req)
    local c = deps.category(req.params.code)
    if not c or c.active == false then
      local code = shown(req.params.code)
      return F.errors(req, 404, "service_code " .. code .. "tidak dikenal / unknown service_code " .. code:gsub(" $", ""))
    end
    return F.respond(req, 200, "service_definition", O.service_definition(c))
  end

  function M.open311_requests(req)
    local sel, problems = O.request_filters(req.query)
    if not sel then return F.errors(req, 400, problems) end
    return F.respond(req, 200, "service_requests", collect(sel, deps))
  end

  function M.open311_request(req)
    local id = tonumber(req.params.id)
    local r = id and id == math.floor(id) and id >= 1 and klik.db.get("reports", math.tointeger(id)) or nil
    if not O.listable(r) then
      local id = shown(req.params.id)
      return F.errors(req, 404, "service_request_id " .. id .. "tidak ditemukan / service_request_id " .. id .. "not found")
    end
    return F.respond(req, 200, "service_requests", klik.json.array({ context(deps).view(r) }))
  end
end

return R
