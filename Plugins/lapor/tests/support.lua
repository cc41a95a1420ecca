-- Shared helpers of the ops_*_test.lua files (not a test file itself). The runner shares one
-- kernel, database and clock between all test files, so each file uses its own agency and
-- category, moves the clock only forwards, and compares counts it can attribute to itself.
local S = {}

S.DAY = 86400
S.ADMIN = { roles = { "admin" } }
S.TRIAGE = { roles = { "petugas" }, opds = { "DISKOMINFO" } }
S.PIMPINAN = { roles = { "pimpinan" } }

-- Monday 1 March 2027 09:00 WIB: 2027 has no seeded holidays, so working days are Mon–Fri.
local FLOOR = 1803866400

-- The next Monday at `hour` WIB (default 09:00), never before 1 March 2027.
function S.next_monday(hour)
  local now = math.max(clock.now(), FLOOR - S.DAY)
  local day = math.floor((now + 7 * 3600) / S.DAY)
  local d = day + (7 - (day + 3) % 7)
  return d * S.DAY + ((hour or 9) - 7) * 3600
end

-- An agency with an officer and a category of its own; answers the officer's `as`.
function S.agency(opd, code, target_days)
  local officer = { roles = { "petugas" }, opds = { opd } }
  get("/queue", { as = officer })                     -- the test caller creates the agency
  local r = post("/admin/categories", { as = S.ADMIN, json = { code = code, name_id = "Uji " .. code,
    name_en = "Test " .. code, opd = opd, target_days = target_days or 30 } })
  assert(r.status == 201 or r.status == 409, "category " .. code .. ": " .. r.status)
  return officer
end

function S.file(as, category, extra)
  local b = { kind = "pengaduan", category = category,
    description = "Masalah di lingkungan kami sudah lama belum ditangani, mohon segera dicek.",
    latitude = 0.45, longitude = 101.7, kecamatan = "Bandar Seikijang" }
  for k, v in pairs(extra or {}) do b[k] = v end
  local r = post("/reports", { json = b, as = as })
  assert(r.status == 201, "filing: " .. r.status .. " " .. (r.text or ""))
  return r.json.report.id, r.json
end

function S.verify(id) assert(post("/reports/" .. id .. "/verify", { as = S.TRIAGE }).status == 200, "verify " .. id) end

function S.assign(id)
  local r = post("/reports/" .. id .. "/assign", { as = S.TRIAGE })
  assert(r.status == 200, "assign " .. id .. ": " .. r.status)
end

-- Filed, verified and assigned to the category's agency.
function S.assigned(as, category, extra)
  local id = S.file(as, category, extra)
  S.verify(id)
  S.assign(id)
  return id
end

-- Notifications sent after the first `n0`, optionally filtered.
function S.since(n0, pred)
  local out, all = {}, notifications()
  for i = n0 + 1, #all do if not pred or pred(all[i]) then out[#out + 1] = all[i] end end
  return out
end

function S.ids(items)
  local out = {}
  for i, x in ipairs(items) do out[i] = x.id end
  return out
end

return S
