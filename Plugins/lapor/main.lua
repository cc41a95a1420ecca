-- klik lapor: citizens' reports, verification, routing to agencies (OPD), follow-up, SLA clocks.
-- Workflow, privacy rules and clocks are described in README.md.
local L = require("lib.labels")
local Attr = require("lib.attributes")
local Ops = require("lib.ops")
local P = require("lib.photos")
local err = L.err

local M = {}

local COLOUR_RANK = { red = 0, yellow = 1, green = 2 }
local TARGETS = { [7] = "penyelesaian_7", [14] = "penyelesaian_14", [30] = "penyelesaian_30", [60] = "penyelesaian_60" }

---------------------------------------------------------------------------------------------
-- small helpers

local function trim(s)
  if type(s) ~= "string" then return nil end
  return (s:gsub("^%s+", ""):gsub("%s+$", ""))
end

local function has(list, value)
  for _, v in ipairs(list or {}) do if v == value then return true end end
  return false
end

local function has_role(user, role) return user ~= nil and has(user.roles, role) end

local function body_of(req)
  if type(req.body) == "table" then return req.body end
  return {}
end

local function report_of(req)
  local id = tonumber(req.params.id)
  if not id or id ~= math.floor(id) then return nil end
  return klik.db.get("reports", id)
end

-- Clock subjects: verification once per report; the other clocks per assignment (`seq`).
local function verify_subject(r) return "lapor-" .. r.id end
local function cycle_subject(r) return "lapor-" .. r.id .. "-" .. r.seq end

local function category(code)
  if type(code) ~= "string" then return nil end
  return klik.db.find("categories", { where = { code = code }, limit = 1 }).items[1]
end

local function is_triage(user)
  return has_role(user, "admin") or has(user and user.opds, klik.settings.get("triage_opd"))
end

local function sees_everything(user)
  return is_triage(user) or has_role(user, "pimpinan")
end

local function opd_exists(code)
  for _, o in ipairs(klik.opd.list()) do if o.code == code then return true end end
  return false
end

local function clock(subject, policy)
  local s = klik.sla.status(subject, policy)
  if not s then return nil end
  return { colour = s.colour, label = L.colours[s.colour], state = s.state, due = s.due,
           met_late = s.met_late, policy = s.policy, cycle = s.cycle }
end

local function complete_if_running(subject, policy)
  local s = klik.sla.status(subject, policy)
  if s and (s.state == "running" or s.state == "paused") then return klik.sla.complete(subject, policy) end
  return s
end

local function cancel_if_running(subject, policy)
  local s = klik.sla.status(subject, policy)
  if s and (s.state == "running" or s.state == "paused") then return klik.sla.cancel(subject, policy) end
  return s
end

-- The resolution policy the category's target gives today: new clocks start with it.
local function target_policy(r)
  local c = category(r.category)
  return (c and TARGETS[c.target_days]) or "penyelesaian_60"
end

-- The policy of the report's current resolution clock: the one stored when the clock started, so
-- an admin changing a category's target never loses track of clocks already running.
local function resolution_policy(r)
  if r.resolution_policy and r.resolution_policy ~= "" then return r.resolution_policy end
  return target_policy(r)
end

-- Every clock of the report's current assignment, and the light shown for the report: the
-- worst colour among running clocks (green when nothing runs).
local function lights(r)
  local out = { verifikasi = clock(verify_subject(r), "verifikasi") }
  if r.opd and r.opd ~= "" then
    local subject = cycle_subject(r)
    out.tindak_lanjut = clock(subject, "tindak_lanjut")
    out.penyelesaian = clock(subject, resolution_policy(r))
    out.konfirmasi = clock(subject, "konfirmasi")
  end
  local worst = "green"
  for _, c in pairs(out) do
    if c.state == "running" and COLOUR_RANK[c.colour] < COLOUR_RANK[worst] then worst = c.colour end
  end
  return out, worst
end

-- The clock an agency's queue is ordered by: follow-up until followed up, then resolution.
local function current_clock(r)
  if r.status == "didisposisikan" then return clock(cycle_subject(r), "tindak_lanjut") end
  return clock(cycle_subject(r), resolution_policy(r))
end

---------------------------------------------------------------------------------------------
-- history and notifications

local function record(r, action, from, to, actor, extra)
  extra = extra or {}
  local h = klik.db.insert("history", {
    report = r.id, cycle = r.cycle, action = action, from_status = from, to_status = to,
    actor_id = actor.id, actor_role = actor.role, opd = extra.opd or r.opd,
    reason = extra.reason, note = extra.note, event_id = extra.event_id,
  })
  Ops.after_record(r) -- the stored light (lib/lights.lua)
  return h
end

local function actor_of(req, role, opd)
  return { id = req.user.id, role = role, opd = opd }
end

local function short(text)
  text = text or ""
  if utf8.len(text) and utf8.len(text) > 80 then
    return text:sub(1, (utf8.offset(text, 81) or 81) - 1) .. "…"
  end
  return text
end

-- Messages never carry the reporter's name or id (OPD notifications included). Reports filed
-- through Open311 have no Klik account to tell: their apps ask by token or id instead.
local function tell_reporter(r, title, body)
  if r.source == "open311" then return end
  local ok, e = pcall(klik.notify.user, r.reporter_id, {
    title = title, body = body, link = "/lapor/" .. r.id, data = { report = r.id, status = r.status },
  })
  if not ok then klik.log.warn("reporter not notified", { report = r.id, error = tostring(e) }) end
end

local function tell_opd(r, code, title, body)
  local ok, e = pcall(klik.notify.opd, code, {
    title = title, body = body, link = "/lapor/staff/" .. r.id, data = { report = r.id, status = r.status },
  })
  if not ok then klik.log.warn("agency not notified", { report = r.id, opd = code, error = tostring(e) }) end
end

local function status_message(r, id_text, en_text)
  local label = L.statuses[r.status]
  return { id = "Laporan #" .. r.id .. ": " .. label.id, en = "Report #" .. r.id .. ": " .. label.en },
         { id = id_text, en = en_text }
end

---------------------------------------------------------------------------------------------
-- views: what each audience may see

local function category_view(c)
  if not c then return nil end
  return { code = c.code, name = { id = c.name_id, en = c.name_en }, opd = c.opd, target_days = c.target_days,
           keywords = c.keywords, active = c.active ~= false }
end

local function history_items(r, audience)
  local out = {}
  local page = klik.db.find("history", { where = { report = r.id }, order = "id", limit = 500 })
  for _, h in ipairs(page.items) do
    local item = { action = h.action, label = L.actions[h.action], status = h.to_status, cycle = h.cycle,
                   at = h.created_at, opd = h.opd, actor_role = h.actor_role, reason = h.reason,
                   reason_label = h.reason and L.reject_reasons[h.reason] or nil }
    local officer_text = h.action == "ditindaklanjuti" or h.action == "selesai" or h.action == "ditolak"
    if audience == "staff" then
      item.note = h.note
      -- The reporter's own steps name nobody when the report is anonim.
      if h.actor_role ~= "pelapor" or not r.anonim then item.actor_id = h.actor_id end
      out[#out + 1] = item
    elseif audience == "reporter" then
      item.note = h.note
      out[#out + 1] = item
    else -- public: officers' answers only, never the reporter's words or anyone's id
      if officer_text then item.note = h.note end
      if h.actor_role == "pelapor" then item.actor_role = nil end
      out[#out + 1] = item
    end
  end
  return klik.json.array(out)
end

-- `list` (a table, fresh per request) marks a view inside a list: the light comes from the
-- stored `colour` (lib/lights.lua keeps it current) instead of reading every clock, and
-- categories are looked up once per request. Single-report views read the clocks.
local function base_view(r, list)
  local clocks, light
  if list and r.colour ~= nil then
    light = r.colour ~= "" and r.colour or "green"
  else
    clocks, light = lights(r)
  end
  local c
  if list then
    c = list[r.category]
    if c == nil then c = category(r.category) or false; list[r.category] = c end
  else
    c = category(r.category)
  end
  return {
    id = r.id, kind = r.kind, kind_label = L.kinds[r.kind], category = r.category,
    category_name = c and { id = c.name_id, en = c.name_en } or nil,
    description = r.description,
    location = { latitude = r.latitude, longitude = r.longitude, address = r.address,
                 kecamatan = r.kecamatan, desa = r.desa },
    status = r.status, status_label = L.statuses[r.status], opd = r.opd, cycle = r.cycle,
    reject_reason = r.reject_reason, created_at = r.created_at, updated_at = r.updated_at,
    followed_up_at = r.followed_up_at, resolved_at = r.resolved_at, closed_at = r.closed_at,
    closed_by = r.closed_by, followup_met_late = r.followup_met_late,
    merged_into = r.merged_into, duplicate_count = r.duplicate_count or 0,
    lampu = light, lampu_label = L.colours[light], clocks = clocks,
  }
end

local function public_view(r, with_history, list)
  local v = base_view(r, list)
  if with_history then v.history, v.photos = history_items(r, "public"), P.list(r, "public") end
  return v
end

local function reporter_view(r, with_history, list)
  local v = base_view(r, list)
  v.anonim, v.rahasia, v.attributes = r.anonim, r.rahasia, r.attributes
  if with_history then v.history, v.photos = history_items(r, "reporter"), P.list(r, "me") end
  return v
end

local function staff_view(r, with_history, list)
  local v = base_view(r, list)
  v.anonim, v.rahasia, v.attributes, v.source = r.anonim, r.rahasia, r.attributes, r.source
  if r.anonim then
    v.reporter = nil
    v.reporter_hidden = true
  else
    v.reporter = { id = r.reporter_id, name = r.reporter_name }
  end
  if with_history then v.history, v.photos = history_items(r, "staff"), P.list(r, "staff") end
  return v
end

local function staff_may_see(user, r)
  if sees_everything(user) then return true end
  return r.opd ~= nil and r.opd ~= "" and has(user.opds, r.opd)
end

---------------------------------------------------------------------------------------------
-- categories

function M.list_categories(req)
  local out = {}
  for _, c in ipairs(klik.db.find("categories", { order = "code", limit = 500 }).items) do
    if c.active ~= false then out[#out + 1] = category_view(c) end
  end
  return { json = { items = klik.json.array(out) } }
end

function M.admin_list_categories(req)
  local out = {}
  for _, c in ipairs(klik.db.find("categories", { order = "code", limit = 500 }).items) do
    out[#out + 1] = category_view(c)
  end
  return { json = { items = klik.json.array(out) } }
end

local function check_category_fields(b, problems, partial)
  local function need_text(field, max)
    local v = b[field]
    if v == nil and partial then return end
    v = trim(v)
    if not v or v == "" or utf8.len(v) == nil or utf8.len(v) > max then
      problems[#problems + 1] = { field = field,
        message = field .. " wajib diisi, paling panjang " .. max .. " karakter / " .. field .. " is required, at most " .. max .. " characters" }
    end
  end
  need_text("name_id", 120)
  need_text("name_en", 120)
  if b.opd ~= nil or not partial then
    if type(b.opd) ~= "string" or not opd_exists(b.opd) then
      problems[#problems + 1] = { field = "opd", message = "OPD tidak dikenal / unknown agency (OPD)" }
    end
  end
  if b.target_days ~= nil or not partial then
    if not TARGETS[b.target_days] then
      problems[#problems + 1] = { field = "target_days",
        message = "target_days harus salah satu dari 7, 14, 30, 60 / target_days must be one of 7, 14, 30, 60" }
    end
  end
  if b.keywords ~= nil and type(b.keywords) ~= "string" then
    problems[#problems + 1] = { field = "keywords", message = "keywords harus teks / keywords must be text" }
  end
  if b.active ~= nil and type(b.active) ~= "boolean" then
    problems[#problems + 1] = { field = "active", message = "active harus true/false / active must be true or false" }
  end
end

local invalid = L.invalid

function M.admin_create_category(req)
  local b = body_of(req)
  local problems = {}
  if type(b.code) ~= "string" or not b.code:match("^[a-z][a-z0-9%-]+$") or #b.code > 40 then
    problems[#problems + 1] = { field = "code",
      message = "code: huruf kecil, angka dan '-', 2–40 karakter / code: lower-case letters, digits and '-', 2–40 characters" }
  elseif category(b.code) then
    return err(409, "exists", "Kategori '" .. b.code .. "' sudah ada", "Category '" .. b.code .. "' already exists")
  end
  check_category_fields(b, problems, false)
  if #problems > 0 then return invalid(problems) end
  local c = klik.db.insert("categories", { code = b.code, name_id = trim(b.name_id), name_en = trim(b.name_en),
    opd = b.opd, target_days = b.target_days, keywords = b.keywords or "", active = b.active ~= false })
  return { status = 201, json = { category = category_view(c) } }
end

function M.admin_update_category(req)
  local c = category(req.params.code)
  if not c then return err(404, "not_found", "Kategori tidak ditemukan", "Category not found") end
  local b = body_of(req)
  local problems = {}
  check_category_fields(b, problems, true)
  if #problems > 0 then return invalid(problems) end
  local changes = {}
  for _, f in ipairs({ "name_id", "name_en", "opd", "target_days", "keywords", "active" }) do
    if b[f] ~= nil then changes[f] = type(b[f]) == "string" and trim(b[f]) or b[f] end
  end
  c = klik.db.update("categories", c.id, changes)
  return { json = { category = category_view(c) } }
end

---------------------------------------------------------------------------------------------
-- filing and the reporter's own views

local function validate_report(b)
  local problems = {}
  local function add(field, id, en) problems[#problems + 1] = { field = field, message = id .. " / " .. en } end
  if not L.kinds[b.kind] then
    add("kind", "Jenis laporan harus pengaduan, aspirasi atau permintaan_informasi",
      "kind must be pengaduan, aspirasi or permintaan_informasi")
  end
  local c = category(b.category)
  if not c or c.active == false then add("category", "Kategori tidak dikenal", "Unknown category") end
  local d = trim(b.description)
  local min, max = klik.settings.get("description_min"), klik.settings.get("description_max")
  local n = d and utf8.len(d)
  if not n or n < min or n > max then
    add("description", "Uraian wajib diisi, " .. min .. "–" .. max .. " karakter",
      "description is required, " .. min .. "–" .. max .. " characters")
  end
  local lat, lon = b.latitude, b.longitude
  if lat ~= nil or lon ~= nil then
    if type(lat) ~= "number" or type(lon) ~= "number" or lat < -90 or lat > 90 or lon < -180 or lon > 180 then
      add("latitude", "Koordinat harus latitude (-90..90) dan longitude (-180..180) berupa angka",
        "coordinates must be numeric latitude (-90..90) and longitude (-180..180)")
      lat = nil
    end
  end
  for _, f in ipairs({ "address", "kecamatan", "desa" }) do
    if b[f] ~= nil and (type(b[f]) ~= "string" or (utf8.len(b[f]) or 1000) > 300) then
      add(f, f .. " harus teks, paling panjang 300 karakter", f .. " must be text, at most 300 characters")
    end
  end
  if lat == nil and (trim(b.address) or "") == "" and (trim(b.kecamatan) or "") == "" then
    add("location", "Lokasi wajib: koordinat, alamat atau kecamatan",
      "location required: coordinates, an address or a kecamatan")
  end
  for _, f in ipairs({ "anonim", "rahasia" }) do
    if b[f] ~= nil and type(b[f]) ~= "boolean" then
      add(f, f .. " harus true atau false", f .. " must be true or false")
    end
  end
  local answers
  if b.attributes ~= nil and (type(b.attributes) ~= "table" or b.attributes[1] ~= nil) then
    add("attributes", "attributes harus objek {kode: jawaban}", "attributes must be an object {code: answer}")
  elseif c and c.active ~= false then
    answers = Attr.check(c.code, b.attributes, problems, function(code) return "attributes." .. code end)
  end
  return problems, c, d, answers
end

-- Inserts a checked report (status `diajukan`, not public), starts its verification clock,
-- records the step and tells the reporter. Callers run it inside a transaction.
local function create_report(fields, actor)
  fields.is_public, fields.status, fields.cycle, fields.seq = false, "diajukan", 1, 1
  local r = klik.db.insert("reports", fields)
  klik.sla.start("verifikasi", verify_subject(r), { opd = klik.settings.get("triage_opd"), category = r.category })
  record(r, "diajukan", nil, "diajukan", actor)
  tell_reporter(r, status_message(r,
    "Laporan Anda diterima dan akan diverifikasi dalam 3 hari kerja.",
    "Your report was received and will be verified within 3 working days."))
  return r
end

function M.file_report(req)
  local b = P.body(req) -- JSON, or multipart fields with photos
  local problems, c, description, answers = validate_report(b)
  P.check(req, problems)
  if #problems > 0 then return invalid(problems) end
  local stored, refused = P.store_all(req)
  if not stored then return refused end
  return P.guard(stored, klik.db.transaction, function()
    local r = create_report({
      kind = b.kind, category = c.code, description = description,
      latitude = b.latitude, longitude = b.longitude, address = trim(b.address), kecamatan = trim(b.kecamatan),
      desa = trim(b.desa), anonim = b.anonim == true, rahasia = b.rahasia == true,
      reporter_id = req.user.id, reporter_name = req.user.name, attributes = answers, source = "app",
    }, actor_of(req, "pelapor"))
    P.link(r, stored, "laporan")
    return { status = 201, json = { report = reporter_view(r, true) } }
  end)
end

function M.my_reports(req)
  local page = klik.db.find("reports", { where = { reporter_id = req.user.id }, order = "-created_at",
    limit = klik.settings.get("page_size"), after = req.query.after })
  local out = {}
  local list = {}
  for _, r in ipairs(page.items) do out[#out + 1] = reporter_view(r, false, list) end
  return { json = { items = klik.json.array(out), next = page.next } }
end

function M.my_report(req)
  local r = report_of(req)
  if not r or r.reporter_id ~= req.user.id then return L.not_found() end
  return { json = { report = reporter_view(r, true) } }
end

---------------------------------------------------------------------------------------------
-- public views: only reports verified and not rahasia; never the reporter

function M.public_reports(req)
  local where = { is_public = true }
  if req.query.category and req.query.category ~= "" then where.category = req.query.category end
  local ok, page = pcall(klik.db.find, "reports", { where = where, order = "-created_at",
    limit = klik.settings.get("page_size"), after = req.query.after })
  if not ok then return err(400, "bad_cursor", "Parameter halaman tidak sah", "Invalid page cursor") end
  local out, list = {}, {}
  for _, r in ipairs(page.items) do
    if r.is_public and not r.rahasia then out[#out + 1] = public_view(r, false, list) end
  end
  return { json = { items = klik.json.array(out), next = page.next } }
end

function M.public_report(req)
  local r = report_of(req)
  if not r or not r.is_public or r.rahasia then return L.not_found() end
  return { json = { report = public_view(r, true) } }
end

---------------------------------------------------------------------------------------------
-- staff views

function M.staff_reports(req)
  local where = {}
  if req.query.status and req.query.status ~= "" then
    if not L.statuses[req.query.status] then
      return err(400, "invalid", "Status tidak dikenal", "Unknown status")
    end
    where.status = req.query.status
  end
  if not sees_everything(req.user) then
    local opds = req.user.opds or {}
    if #opds == 0 then return { json = { items = klik.json.array({}) } } end
    where.opd = { ["in"] = opds }
  end
  local ok, page = pcall(klik.db.find, "reports", { where = where, order = "created_at", limit = 100,
    after = req.query.after })
  if not ok then return err(400, "bad_cursor", "Parameter halaman tidak sah", "Invalid page cursor") end
  local out = {}
  local list = {}
  for _, r in ipairs(page.items) do out[#out + 1] = staff_view(r, false, list) end
  return { json = { items = klik.json.array(out), next = page.next } }
end

function M.staff_report(req)
  local r = report_of(req)
  if not r or not staff_may_see(req.user, r) then return L.not_found() end
  return { json = { report = staff_view(r, true) } }
end

---------------------------------------------------------------------------------------------
-- workflow: triage (admin or the triage OPD)

local function triage_only(req)
  if not is_triage(req.user) then
    return err(403, "forbidden", "Hanya admin atau petugas " .. klik.settings.get("triage_opd") .. " yang boleh memverifikasi dan mendisposisikan",
      "Only admins or officers of " .. klik.settings.get("triage_opd") .. " may verify and assign reports")
  end
end

local function wrong_state(r, id_what, en_what)
  return err(409, "invalid_state", "Laporan berstatus '" .. r.status .. "': " .. id_what,
    "Report is '" .. r.status .. "': " .. en_what)
end

function M.verify_report(req)
  local denied = triage_only(req); if denied then return denied end
  return klik.db.transaction(function()
    local r = report_of(req)
    if not r then return L.not_found() end
    if r.status ~= "diajukan" then return wrong_state(r, "hanya laporan yang diajukan dapat diverifikasi", "only submitted reports can be verified") end
    r = klik.db.update("reports", r.id, { status = "diverifikasi", is_public = not r.rahasia })
    record(r, "diverifikasi", "diajukan", "diverifikasi", actor_of(req, "verifikator"), { note = trim(body_of(req).note) })
    tell_reporter(r, status_message(r, "Laporan Anda telah diverifikasi dan segera diteruskan ke OPD terkait.",
      "Your report was verified and will be passed to the responsible agency."))
    return { json = { report = staff_view(r, false) } }
  end)
end

function M.reject_report(req)
  local denied = triage_only(req); if denied then return denied end
  local b = body_of(req)
  if not L.reject_reasons[b.reason] then
    return err(400, "invalid", "Alasan penolakan harus bukan_kewenangan, duplikat, tidak_jelas atau spam",
      "reason must be bukan_kewenangan, duplikat, tidak_jelas or spam")
  end
  return klik.db.transaction(function()
    local r = report_of(req)
    if not r then return L.not_found() end
    if r.status ~= "diajukan" and r.status ~= "diverifikasi" then
      return wrong_state(r, "hanya laporan yang belum didisposisikan dapat ditolak", "only reports not yet assigned can be rejected")
    end
    local from = r.status
    complete_if_running(verify_subject(r), "verifikasi")
    r = klik.db.update("reports", r.id, { status = "ditolak", is_public = false, reject_reason = b.reason })
    record(r, "ditolak", from, "ditolak", actor_of(req, "verifikator"), { reason = b.reason, note = trim(b.note) })
    local reason = L.reject_reasons[b.reason]
    tell_reporter(r, status_message(r, "Alasan: " .. reason.id .. ".", "Reason: " .. reason.en .. "."))
    return { json = { report = staff_view(r, false) } }
  end)
end

function M.assign_report(req)
  local denied = triage_only(req); if denied then return denied end
  local b = body_of(req)
  return klik.db.transaction(function()
    local r = report_of(req)
    if not r then return L.not_found() end
    local reassign = r.status == "didisposisikan" or r.status == "ditindaklanjuti"
    if r.status ~= "diverifikasi" and not reassign then
      return wrong_state(r, "hanya laporan terverifikasi atau yang sedang ditangani OPD dapat didisposisikan",
        "only verified reports or reports with an agency can be assigned")
    end
    local opd = b.opd
    if opd == nil or opd == "" then opd = (category(r.category) or {}).opd end
    if type(opd) ~= "string" or not opd_exists(opd) then
      return err(400, "invalid", "OPD tidak dikenal", "Unknown agency (OPD)")
    end
    if reassign and opd == r.opd then
      return err(409, "same_opd", "Laporan sudah berada di OPD ini", "The report is already with this agency")
    end
    local from = r.status
    if reassign then
      -- The old agency's clocks leave the scorecard: the report was routed wrongly, not ignored.
      local old = cycle_subject(r)
      cancel_if_running(old, "tindak_lanjut")
      cancel_if_running(old, resolution_policy(r))
      cancel_if_running(old, "konfirmasi")
    else
      complete_if_running(verify_subject(r), "verifikasi")
    end
    r = klik.db.update("reports", r.id, { status = "didisposisikan", opd = opd, seq = r.seq + 1,
      assigned_at = klik.time.iso(), followed_up_at = "", followup_elapsed = 0, followup_met_late = false,
      resolution_policy = target_policy(r) })
    local subject = cycle_subject(r)
    klik.sla.start("tindak_lanjut", subject, { opd = opd, category = r.category })
    klik.sla.start(resolution_policy(r), subject, { opd = opd, category = r.category })
    record(r, reassign and "disposisi_ulang" or "didisposisikan", from, "didisposisikan",
      actor_of(req, "verifikator"), { opd = opd, note = trim(b.note) })
    tell_opd(r, opd,
      { id = "Laporan baru #" .. r.id .. " untuk " .. opd, en = "New report #" .. r.id .. " for " .. opd },
      { id = "Tindak lanjuti dalam 5 hari kerja: " .. short(r.description),
        en = "Follow up within 5 working days: " .. short(r.description) })
    tell_reporter(r, status_message(r, "Laporan Anda diteruskan ke " .. opd .. ".", "Your report was passed to " .. opd .. "."))
    return { json = { report = staff_view(r, false) } }
  end)
end

---------------------------------------------------------------------------------------------
-- workflow: the assigned agency

local function officer_of(req, r)
  return (has_role(req.user, "petugas") or has_role(req.user, "kepala_opd")) and r.opd ~= nil and has(req.user.opds, r.opd)
end

function M.followup_report(req)
  local b = body_of(req)
  local text = trim(b.text)
  if not text or (utf8.len(text) or 0) < 10 then
    return err(400, "invalid", "Teks tindak lanjut wajib, paling sedikit 10 karakter",
      "follow-up text is required, at least 10 characters")
  end
  local problems = P.check(req, {})
  if #problems > 0 then return invalid(problems) end
  local stored, refused = P.store_all(req) -- evidence photos
  if not stored then return refused end
  return P.guard(stored, klik.db.transaction, function()
    local r = report_of(req)
    if not r or not staff_may_see(req.user, r) then return L.not_found() end
    if not officer_of(req, r) then
      return err(403, "forbidden", "Hanya petugas OPD yang ditugasi", "Only officers of the assigned agency")
    end
    if r.status ~= "didisposisikan" and r.status ~= "ditindaklanjuti" then
      return wrong_state(r, "tindak lanjut hanya untuk laporan yang didisposisikan", "follow-up only for assigned reports")
    end
    local from = r.status
    local changes = { status = "ditindaklanjuti" }
    if from == "didisposisikan" then
      local subject = cycle_subject(r)
      local done = complete_if_running(subject, "tindak_lanjut")
      changes.followed_up_at = klik.time.iso()
      changes.followup_elapsed = done and done.elapsed or 0
      changes.followup_met_late = done and done.met_late == true or false
      if not klik.sla.status(subject, "konfirmasi") then klik.sla.start("konfirmasi", subject) end
    end
    r = klik.db.update("reports", r.id, changes)
    P.link(r, stored, "tindak_lanjut")
    record(r, "ditindaklanjuti", from, "ditindaklanjuti", actor_of(req, "petugas", r.opd), { note = text })
    tell_reporter(r, status_message(r, r.opd .. ": " .. short(text) ..
        " Konfirmasi atau buka kembali dalam 10 hari kerja.",
      r.opd .. ": " .. short(text) .. " Confirm or reopen within 10 working days."))
    return { json = { report = staff_view(r, false) } }
  end)
end

function M.resolve_report(req)
  local b = body_of(req)
  return klik.db.transaction(function()
    local r = report_of(req)
    if not r or not staff_may_see(req.user, r) then return L.not_found() end
    if not officer_of(req, r) then
      return err(403, "forbidden", "Hanya petugas OPD yang ditugasi", "Only officers of the assigned agency")
    end
    if r.status ~= "ditindaklanjuti" then
      return wrong_state(r, "tandai selesai setelah tindak lanjut", "mark resolved after a follow-up")
    end
    complete_if_running(cycle_subject(r), resolution_policy(r))
    r = klik.db.update("reports", r.id, { status = "selesai", resolved_at = klik.time.iso() })
    record(r, "selesai", "ditindaklanjuti", "selesai", actor_of(req, "petugas", r.opd), { note = trim(b.note) })
    tell_reporter(r, status_message(r, "OPD menyatakan laporan Anda selesai. Konfirmasi atau buka kembali.",
      "The agency marked your report resolved. Please confirm or reopen it."))
    return { json = { report = staff_view(r, false) } }
  end)
end

---------------------------------------------------------------------------------------------
-- workflow: the reporter

local function own_answerable(req)
  local r = report_of(req)
  if not r or r.reporter_id ~= req.user.id then return nil, L.not_found() end
  if r.status ~= "ditindaklanjuti" and r.status ~= "selesai" then
    return nil, wrong_state(r, "hanya setelah tindak lanjut OPD", "only after the agency's follow-up")
  end
  return r
end

local function close(r, by, action, actor, extra)
  local subject = cycle_subject(r)
  complete_if_running(subject, resolution_policy(r))
  if by == "pelapor" then cancel_if_running(subject, "konfirmasi") end
  local from = r.status
  r = klik.db.update("reports", r.id, { status = "ditutup", closed_at = klik.time.iso(), closed_by = by })
  record(r, action, from, "ditutup", actor, extra)
  return r
end

function M.confirm_report(req)
  return klik.db.transaction(function()
    local r, problem = own_answerable(req)
    if not r then return problem end
    r = close(r, "pelapor", "dikonfirmasi", actor_of(req, "pelapor"), { note = trim(body_of(req).note) })
    tell_opd(r, r.opd, { id = "Laporan #" .. r.id .. " dikonfirmasi selesai", en = "Report #" .. r.id .. " confirmed resolved" },
      { id = "Pelapor mengonfirmasi penyelesaian.", en = "The reporter confirmed the resolution." })
    return { json = { report = reporter_view(r, true) } }
  end)
end

function M.reopen_report(req)
  local reason = trim(body_of(req).reason)
  if not reason or (utf8.len(reason) or 0) < 10 then
    return err(400, "invalid", "Alasan membuka kembali wajib, paling sedikit 10 karakter",
      "a reason to reopen is required, at least 10 characters")
  end
  return klik.db.transaction(function()
    local r, problem = own_answerable(req)
    if not r then return problem end
    local old = cycle_subject(r)
    complete_if_running(old, resolution_policy(r))
    cancel_if_running(old, "konfirmasi")
    local from = r.status
    r = klik.db.update("reports", r.id, { status = "didisposisikan", cycle = r.cycle + 1, seq = r.seq + 1,
      assigned_at = klik.time.iso(), followed_up_at = "", followup_elapsed = 0, followup_met_late = false,
      resolved_at = "", resolution_policy = target_policy(r) })
    local subject = cycle_subject(r)
    klik.sla.start("tindak_lanjut", subject, { opd = r.opd, category = r.category })
    klik.sla.start(resolution_policy(r), subject, { opd = r.opd, category = r.category })
    record(r, "dibuka_kembali", from, "didisposisikan", actor_of(req, "pelapor"), { note = reason })
    tell_opd(r, r.opd, { id = "Laporan #" .. r.id .. " dibuka kembali", en = "Report #" .. r.id .. " reopened" },
      { id = "Pelapor belum puas; tindak lanjuti lagi dalam 5 hari kerja.",
        en = "The reporter is not satisfied; follow up again within 5 working days." })
    return { json = { report = reporter_view(r, true) } }
  end)
end

-- Automatic close: the `konfirmasi` clock (10 working days from the follow-up, no OPD so the
-- kernel notifies nobody) breaches when the reporter did not answer.
function M.on_sla_breach(event)
  if event.policy ~= "konfirmasi" then return end
  local id, seq = tostring(event.subject):match("^lapor%-(%d+)%-(%d+)$")
  if not id then return end
  klik.db.transaction(function()
    if klik.db.count("history", { where = { event_id = event.id } }) > 0 then return end -- already handled
    local r = klik.db.get("reports", tonumber(id))
    if not r or r.seq ~= tonumber(seq) then return end
    if r.status ~= "ditindaklanjuti" and r.status ~= "selesai" then return end
    klik.sla.complete(event.subject, "konfirmasi")
    r = close(r, "otomatis", "ditutup_otomatis", { role = "sistem" }, { event_id = event.id })
    tell_reporter(r, status_message(r, "Ditutup otomatis karena tidak ada tanggapan dalam 10 hari kerja.",
      "Closed automatically: no answer within 10 working days."))
  end)
end

---------------------------------------------------------------------------------------------
-- Open311 GeoReport v2 (lib/open311_routes.lua, lib/open311_post.lua) and category attributes
-- (lib/attributes_routes.lua): handlers added to M.

local open311 = {
  category = category,
  create_report = create_report,
  -- the clock whose deadline Open311 shows as expected_datetime
  due_clock = function(r)
    if r.status == "diverifikasi" then return clock(verify_subject(r), "verifikasi") end
    if r.status == "didisposisikan" or r.status == "ditindaklanjuti" then return current_clock(r) end
  end,
}
require("lib.open311_routes").install(M, open311)
require("lib.open311_post").install(M, open311)
for name, handler in pairs(require("lib.attributes_routes")) do M[name] = handler end

---------------------------------------------------------------------------------------------
-- queue, scorecard, duplicates and merging, waiting for the reporter, CSV export, weekly report:
-- lib/ops.lua, with the helpers they share with the workflow above

Ops.install(M, {
  trim = trim, body_of = body_of, report_of = report_of, category = category, has_role = has_role,
  short = short, invalid = invalid, wrong_state = wrong_state, record = record, actor_of = actor_of,
  tell_reporter = tell_reporter, tell_opd = tell_opd, status_message = status_message,
  staff_view = staff_view, reporter_view = reporter_view, staff_may_see = staff_may_see,
  is_triage = is_triage, officer_of = officer_of, close = close,
  verify_subject = verify_subject, cycle_subject = cycle_subject, resolution_policy = resolution_policy,
  complete_if_running = complete_if_running, cancel_if_running = cancel_if_running,
})

-- Photo routes (lib/photos.lua): each audience reads photos of the reports it may see.
P.install(M, { report_of = report_of, staff_may_see = staff_may_see })

return M
