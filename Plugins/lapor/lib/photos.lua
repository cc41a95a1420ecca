-- Photos of reports: the reporter's photos on filing and the officers' evidence photos on
-- follow-up. Files go through klik.files (type checked from the bytes, location metadata
-- stripped before anything is written); the `photos` collection links them to a report.
-- Who may see a photo is decided by the same rules as the report itself (see README.md).
local L = require("lib.labels")
local err = L.err

local P = {}

-- The form field that carries photos on each route (repeat it for several photos).
P.FIELD = "photo"

local TRUE = { ["true"] = true, ["1"] = true, on = true, ya = true }
local FALSE = { ["false"] = true, ["0"] = true, off = true, tidak = true, [""] = true }

-- A multipart form's fields are text; turn the ones the report needs into numbers and booleans
-- (values that do not convert stay text, so validation names the field). JSON bodies pass as is.
function P.body(req)
  local b = type(req.body) == "table" and req.body or {}
  if req.files == nil then return b end
  local out = {}
  for k, v in pairs(b) do out[k] = v end
  for _, f in ipairs({ "latitude", "longitude" }) do
    if out[f] == "" then out[f] = nil elseif tonumber(out[f]) then out[f] = tonumber(out[f]) end
  end
  for _, f in ipairs({ "anonim", "rahasia" }) do
    local v = type(out[f]) == "string" and out[f]:lower() or nil
    if v and TRUE[v] then out[f] = true elseif v and FALSE[v] then out[f] = false end
  end
  return out
end

-- Problems with the uploads themselves (count, field names), added to `problems` in the same
-- `{field, message = "id / en"}` shape as the other validation problems.
function P.check(req, problems, field)
  field = field or P.FIELD
  local files = req.files or {}
  for _, f in ipairs(files) do
    if f.field ~= field then
      problems[#problems + 1] = { field = f.field, message = "Isian berkas '" .. f.field .. "' tidak dikenal; gunakan '" .. field ..
        "' / unknown file field '" .. f.field .. "'; use '" .. field .. "'" }
      return problems
    end
  end
  local max = klik.settings.get("max_photos")
  if #files > max then
    problems[#problems + 1] = { field = field, message = "Paling banyak " .. max .. " foto / at most " .. max .. " photos" }
  end
  return problems
end

-- Stores one upload (an entry of req.files) as a photo file: answers the stored file
-- `{id, type, size, width, height, sha256}`, or nil and a ready 4xx response naming the field.
-- Used for filing, follow-up evidence and the Open311 `media` upload.
function P.store(req_file)
  local file, problem = klik.files.store(req_file)
  if file then return file end
  return nil, err(problem.status, problem.code, problem.message_id, problem.message_en,
    klik.json.array({ { field = problem.field, message = problem.message } }))
end

-- Every upload of the request, stored before the report's transaction (no writer is held while
-- files are written). On the first refused file the ones already stored are deleted again.
function P.store_all(req)
  local stored = {}
  for _, f in ipairs(req.files or {}) do
    local file, refused = P.store(f)
    if not file then
      P.discard(stored)
      return nil, refused
    end
    stored[#stored + 1] = file
  end
  return stored
end

function P.discard(stored)
  for _, f in ipairs(stored or {}) do pcall(klik.files.delete, f.id) end
end

-- Runs `fn` (usually a klik.db.transaction); if it fails or answers an error status, the stored
-- files are deleted so nothing is left without a report.
function P.guard(stored, fn, ...)
  local ok, res = pcall(fn, ...)
  if not ok then
    P.discard(stored)
    error(res, 0)
  end
  if type(res) == "table" and (res.status or 200) >= 400 then P.discard(stored) end
  return res
end

-- Links stored files to report `r`: `kind` is "laporan" (the reporter's) or "tindak_lanjut"
-- (an officer's evidence). Call inside the report's transaction.
function P.link(r, stored, kind)
  for _, f in ipairs(stored or {}) do
    klik.db.insert("photos", { report = r.id, cycle = r.cycle, kind = kind, file_id = f.id, type = f.type,
      size = f.size, width = f.width, height = f.height })
  end
end

-- The photos of report `r` for an audience ("public", "me" or "staff"): URLs under that
-- audience's own route. No uploader is named, whatever the audience.
function P.list(r, audience)
  local out = {}
  local page = klik.db.find("photos", { where = { report = r.id }, order = "id", limit = 100 })
  for _, p in ipairs(page.items) do
    out[#out + 1] = { id = p.id, kind = p.kind, cycle = p.cycle, type = p.type, size = p.size, width = p.width,
      height = p.height, created_at = p.created_at,
      url = "/api/v1/lapor/" .. audience .. "/reports/" .. r.id .. "/photos/" .. p.id }
  end
  return klik.json.array(out)
end

local function photo_of(req, r)
  local id = tonumber(req.params.photo)
  if not id or id ~= math.floor(id) then return nil end
  local p = klik.db.get("photos", id)
  if not p or p.report ~= r.id then return nil end
  return p
end

local function not_found()
  return err(404, "not_found", "Foto tidak ditemukan", "Photo not found")
end

-- Adds the three photo routes' handlers to the module table. `access` holds the report lookup
-- and the same checks the report views use.
function P.install(M, access)
  local function serve(req, allowed, cache)
    local r = access.report_of(req)
    if not r or not allowed(req, r) then return not_found() end
    local p = photo_of(req, r)
    if not p then return not_found() end
    return { file = p.file_id, headers = cache and { ["Cache-Control"] = cache } or nil }
  end
  -- public: verified, not rahasia reports only (cached briefly by anyone)
  function M.public_photo(req)
    return serve(req, function(_, r) return r.is_public and not r.rahasia end, "public, max-age=300")
  end
  -- the reporter's own reports, rahasia included
  function M.my_photo(req)
    return serve(req, function(q, r) return r.reporter_id == q.user.id end)
  end
  -- staff who may open the report (admins, pimpinan, triage OPD, the assigned OPD)
  function M.staff_photo(req)
    return serve(req, function(q, r) return access.staff_may_see(q.user, r) end)
  end
end

return P
