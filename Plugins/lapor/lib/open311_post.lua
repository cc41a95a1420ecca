-- Open311 GeoReport v2 POST requests (third-party apps with a kernel API key) and token lookups.
--
-- A report filed here is like one filed in the app: status `diajukan`, verification clock
-- running, not public until verified. So the answer carries a `token`, not an id:
-- `GET tokens/{token}` gives the `service_request_id` once the report is public (never for a
-- rahasia report, which Open311 never shows). Who submitted (email, names, phone, device and
-- account ids) is kept in `open311_submissions` with the API key's id, never shown by Open311.
local A = require("lib.attributes")
local F = require("lib.open311_format")
local O = require("lib.open311")

local P = {}

local nonempty = O.nonempty

local function trim(v)
  if type(v) ~= "string" then return nil end
  return nonempty((v:gsub("^%s+", ""):gsub("%s+$", "")))
end

local function has(list, value)
  for _, v in ipairs(list or {}) do if v == value then return true end end
  return false
end

local function chars(v) return v and utf8.len(v) or 0 end

-- Optional text fields of the submitter: name → longest accepted length.
local CONTACT = { email = 254, first_name = 100, last_name = 100, phone = 30, device_id = 100, account_id = 100 }

-- Checks the form; answers the report fields, the submitter's fields and the problems.
local function check(b, c, problems)
  local function add(field, id, en) problems[#problems + 1] = field .. ": " .. id .. " / " .. field .. ": " .. en end
  local description = trim(b.description)
  local min, max = klik.settings.get("description_min"), klik.settings.get("description_max")
  if not description or (utf8.len(description) or 0) < min or chars(description) > max then
    add("description", "wajib diisi, " .. min .. "–" .. max .. " karakter", "required, " .. min .. "–" .. max .. " characters")
  end
  local lat, long = trim(b.lat), trim(b.long)
  local latitude, longitude = tonumber(lat), tonumber(long)
  if lat or long then
    if not latitude or not longitude or latitude < -90 or latitude > 90 or longitude < -180 or longitude > 180 then
      add("lat/long", "keduanya angka: lat -90..90, long -180..180", "both numbers: lat -90..90, long -180..180")
      latitude, longitude = nil, nil
    end
  end
  local address, address_id = trim(b.address_string), trim(b.address_id)
  if chars(address) > 300 then add("address_string", "paling panjang 300 karakter", "at most 300 characters"); address = nil end
  if chars(address_id) > 100 then add("address_id", "paling panjang 100 karakter", "at most 100 characters"); address_id = nil end
  if not (lat or long) and not address and not address_id then
    add("lat/long", "lokasi wajib: lat dan long, address_string atau address_id",
      "a location is required: lat and long, address_string or address_id")
  end
  local who = {}
  for field, max_len in pairs(CONTACT) do
    local v = trim(b[field])
    if chars(v) > max_len then add(field, "paling panjang " .. max_len .. " karakter", "at most " .. max_len .. " characters")
    else who[field] = v end
  end
  if who.email and not who.email:match("^[^@%s]+@[^@%s]+%.[^@%s]+$") then add("email", "bukan alamat e-mail", "not an e-mail address") end
  if who.phone and not who.phone:match("^%+?[%d%s%-]+$") then add("phone", "hanya angka, spasi, '-' dan '+' di depan", "digits, spaces, '-' and a leading '+' only") end
  local media_url = trim(b.media_url)
  if media_url and (chars(media_url) > 1000 or not media_url:match("^https?://[^%s]+$")) then
    add("media_url", "harus alamat http(s) tanpa spasi, paling panjang 1000 karakter", "must be an http(s) address without spaces, at most 1000 characters")
  end
  -- Klik extensions: the reporter's confidentiality options (Perpres 76/2013), "true"/"false".
  local flags = {}
  for _, f in ipairs({ "anonim", "rahasia" }) do
    local v = trim(b[f])
    if v and v ~= "true" and v ~= "false" then add(f, "harus true atau false", "must be true or false") end
    flags[f] = v == "true"
  end
  local answers = A.check(c.code, A.from_form(b), problems, function(code) return "attribute[" .. code .. "]" end)
  -- A.check's problems are tables; this route's are texts.
  for i, p in ipairs(problems) do if type(p) == "table" then problems[i] = p.message end end
  local name = trim(table.concat({ who.first_name or "", who.last_name or "" }, " "))
  return {
    kind = "pengaduan", category = c.code, description = description,
    latitude = latitude, longitude = longitude, address = address, address_id = address_id,
    anonim = flags.anonim, rahasia = flags.rahasia, reporter_name = name,
    attributes = answers, media_url = media_url, source = "open311",
  }, who
end

-- 96 random bits as hex: a token reveals at most a public request id, never more.
local function new_token()
  return string.format("%08x%08x%08x", math.random(0, 0xffffffff), math.random(0, 0xffffffff), math.random(0, 0xffffffff))
end

function P.install(M, deps)
  function M.open311_post_request(req)
    local key = req.api_key
    if not key then
      return F.errors(req, 403, "api_key tidak ada atau tidak sah / api_key is missing or invalid")
    end
    local scope = klik.settings.get("open311_api_scope")
    if not has(key.scopes, scope) then
      return F.errors(req, 403, "api_key tidak berhak mengirim laporan (perlu cakupan '" .. scope .. "') / api_key may not submit requests (needs scope '" .. scope .. "')")
    end
    local b = type(req.body) == "table" and req.body or {}
    local code = trim(b.service_code)
    if not code then return F.errors(req, 400, "service_code wajib diisi / service_code is required") end
    local c = deps.category(code)
    if not c or c.active == false then
      return F.errors(req, 404, "service_code tidak dikenal / unknown service_code")
    end
    local problems = {}
    local fields, who = check(b, c, problems)

    -- GeoReport v2.1 `media`: one image in a multipart upload, stored like the app's photos
    -- (type from the bytes, location metadata stripped) before the report's transaction.
    local files = req.files or {}
    for _, f in ipairs(files) do
      if f.field ~= "media" then
        problems[#problems + 1] = "berkas '" .. f.field .. "' tidak dikenal, gunakan media / unknown file field '" .. f.field .. "', use media"
      end
    end
    if #files > 1 then problems[#problems + 1] = "media: paling banyak satu berkas / media: at most one file" end
    if #problems > 0 then return F.errors(req, 400, problems) end
    local photo
    if files[1] then
      local problem
      photo, problem = klik.files.store(files[1])
      if not photo then return F.errors(req, problem.status, "media: " .. problem.message) end
    end
    local token = new_token()
    local ok, r = pcall(klik.db.transaction, function()
      fields.reporter_id = "open311:" .. key.id
      local r = deps.create_report(fields, { id = fields.reporter_id, role = "pelapor" })
      if photo then
        klik.db.insert("photos", { report = r.id, cycle = r.cycle, kind = "laporan", file_id = photo.id, type = photo.type,
          size = photo.size, width = photo.width, height = photo.height })
      end
      klik.db.insert("open311_submissions", {
        token = token, report = r.id, api_key_id = key.id, api_key_name = key.name, service_code = c.code,
        email = who.email, first_name = who.first_name, last_name = who.last_name, phone = who.phone,
        device_id = who.device_id, account_id = who.account_id,
      })
      return r
    end)
    if not ok then
      if photo then pcall(klik.files.delete, photo.id) end -- nothing left without a report
      error(r, 0)
    end
    klik.log.info("open311 request filed", { report = r.id, api_key = key.id, service_code = c.code })
    return F.respond(req, 200, "service_requests", klik.json.array({ {
      token = token,
      service_notice = "Laporan diterima dan akan diverifikasi dalam 3 hari kerja; service_request_id tersedia lewat token setelah diverifikasi"
        .. " / Received; it will be verified within 3 working days, then its service_request_id is available through the token",
      account_id = who.account_id,
    } }))
  end

  function M.open311_token(req)
    local s = klik.db.find("open311_submissions", { where = { token = req.params.token }, limit = 1 }).items[1]
    if not s then return F.errors(req, 404, "token tidak ditemukan / token not found") end
    local item = { token = s.token }
    if O.listable(klik.db.get("reports", s.report)) then item.service_request_id = tostring(s.report) end
    return F.respond(req, 200, "service_requests", klik.json.array({ item }))
  end
end

return P
