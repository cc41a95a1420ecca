-- The first of lapor's test files (they share one kernel, database and fake clock; see README).

-- Categories, filing with validation, and what the public may see.
local WARGA = { roles = { "warga" } }
local ADMIN = { roles = { "admin" } }

local function file(body, as)
  return post("/reports", { json = body, as = as or WARGA })
end

local function valid(extra)
  local b = { kind = "pengaduan", category = "jalan-rusak",
    description = "Jalan berlubang besar di depan SD Negeri 1, berbahaya bagi pengendara motor.",
    latitude = 0.4, longitude = 101.85, kecamatan = "Pangkalan Kerinci", desa = "Kerinci Kanan" }
  for k, v in pairs(extra or {}) do b[k] = v end
  return b
end

describe("categories", function()
  it("seeds the kabupaten's categories mapped to agencies", function()
    local r = get("/categories")
    expect(r.status).to_be(200)
    local by = {}
    for _, c in ipairs(r.json.items) do by[c.code] = c end
    expect(by["jalan-rusak"].opd).to_be("DPUPR")
    expect(by["sampah"].opd).to_be("DLH")
    expect(by["lampu-jalan"].opd).to_be("DISHUB")
    expect(by["air-bersih"].opd).to_be("PDAM")
    expect(by["layanan-kesehatan"].opd).to_be("DINKES")
    expect(by["dokumen-kependudukan"].opd).to_be("DISDUKCAPIL")
    expect(by["sekolah"].opd).to_be("DISDIK")
    expect(by["lainnya"].opd).to_be("DISKOMINFO")
    expect(by["sampah"].name.en).to_be("Rubbish")
  end)

  it("lets only admins manage categories, validating OPD and target", function()
    get("/queue", { as = { roles = { "petugas" }, opds = { "DPMD" } } })   -- creates agency DPMD
    expect(post("/admin/categories", { json = {}, as = WARGA }).status).to_be(403)
    local bad = post("/admin/categories", { as = ADMIN, json = { code = "Desa!", name_id = "", opd = "NOPE", target_days = 9 } })
    expect(bad.status).to_be(400)
    expect(bad.json.error.message).to_contain("target_days")
    expect(bad.json.error.message).to_contain("OPD tidak dikenal")
    local ok = post("/admin/categories", { as = ADMIN, json = { code = "dana-desa", name_id = "Dana desa",
      name_en = "Village funds", opd = "DPMD", target_days = 30, keywords = "dana desa;BUMDes" } })
    expect(ok.status).to_be(201)
    expect(post("/admin/categories", { as = ADMIN, json = { code = "dana-desa", name_id = "x", name_en = "x",
      opd = "DPMD", target_days = 30 } }).status).to_be(409)
    local upd = put("/admin/categories/dana-desa", { as = ADMIN, json = { target_days = 14, active = false } })
    expect(upd.status).to_be(200)
    expect(upd.json.category.target_days).to_be(14)
    for _, c in ipairs(get("/categories").json.items) do expect(c.code).not_to_be("dana-desa") end
    expect(#get("/admin/categories", { as = ADMIN }).json.items).to_be(9)
    expect(put("/admin/categories/nope", { as = ADMIN, json = {} }).status).to_be(404)
  end)
end)

describe("filing", function()
  it("refuses an incomplete report with every problem in both languages", function()
    local r = file({ kind = "keluhan", category = "pizza", description = "pendek", latitude = 200, longitude = 1, anonim = "ya" })
    expect(r.status).to_be(400)
    expect(r.json.error.message).to_contain("Jenis laporan")
    expect(r.json.error.message).to_contain("Unknown category")
    expect(r.json.error.message).to_contain("description is required")
    expect(r.json.error.message).to_contain("Koordinat")
    expect(r.json.error.message).to_contain("anonim must be true or false")
    local nowhere = file(valid({ latitude = 0, longitude = 0 }))
    expect(nowhere.status).to_be(201)
    local r2 = file({ kind = "aspirasi", category = "sampah", description = "Mohon tambah tempat sampah di pasar pagi." })
    expect(r2.status).to_be(400)
    expect(r2.json.error.message).to_contain("Lokasi wajib")
  end)

  it("refuses anonymous callers and officers", function()
    expect(post("/reports", { json = valid() }).status).to_be(401)
    expect(file(valid(), { roles = { "petugas" }, opds = { "DPUPR" } }).status).to_be(403)
  end)

  it("files a report, starts the verification clock and tells the reporter", function()
    local before = #notifications()
    local r = file(valid({ address = "Jl. Lintas Timur km 3" }))
    expect(r.status).to_be(201)
    local rep = r.json.report
    expect(rep.status).to_be("diajukan")
    expect(rep.clocks.verifikasi.colour).to_be("green")
    expect(rep.clocks.verifikasi.state).to_be("running")
    expect(rep.history[1].action).to_be("diajukan")
    local n = notifications()
    expect(#n).to_be(before + 1)
    expect(n[#n].to:sub(1, 5)).to_be("user:")
    expect(n[#n].title.en).to_contain("Submitted")
    -- the reporter sees it among their own reports; nobody else's
    local mine = get("/me/reports", { as = WARGA })
    expect(mine.status).to_be(200)
    local found = false
    for _, x in ipairs(mine.json.items) do if x.id == rep.id then found = true end end
    expect(found).to_be(true)
    expect(get("/me/reports/" .. rep.id, { as = WARGA }).status).to_be(200)
    local other = { roles = { "warga" }, opds = { "WARGA2" } }   -- a second citizen account
    expect(get("/me/reports/" .. rep.id, { as = other }).status).to_be(404)
    expect(#get("/me/reports", { as = other }).json.items).to_be(0)
  end)

  it("keeps submitted reports out of public view until verified", function()
    local rep = file(valid()).json.report
    expect(get("/public/reports/" .. rep.id).status).to_be(404)
  end)
end)

-- The whole story over HTTP with the fake clock: file → verify → assign → yellow → red → follow up
-- → confirm → "met late" on the scorecard; then reassignment, reopening and the automatic close.
local MONDAY_5_JAN = 1767578400     -- Monday 5 January 2026, 09:00 WIB
local MONDAY_5_OCT = 1791165600     -- Monday 5 October 2026, 09:00 WIB
local DAY = 86400

local WARGA = { roles = { "warga" } }
local TRIAGE = { roles = { "petugas" }, opds = { "DISKOMINFO" } }
local PUPR = { roles = { "petugas" }, opds = { "DPUPR" } }
local DLH = { roles = { "petugas" }, opds = { "DLH" } }
local DISHUB = { roles = { "petugas" }, opds = { "DISHUB" } }
local PIMPINAN = { roles = { "pimpinan" } }

local function sign_in_everyone()
  for _, who in ipairs({ WARGA, TRIAGE, PUPR, DLH, DISHUB, PIMPINAN }) do get("/categories", { as = who }) end
  get("/queue", { as = PUPR }); get("/queue", { as = DLH }); get("/queue", { as = DISHUB }); get("/queue", { as = TRIAGE })
  get("/scorecard", { as = PIMPINAN })
end

local function file(extra)
  local b = { kind = "pengaduan", category = "jalan-rusak",
    description = "Jalan berlubang di Jl. Maharaja Indra dekat pasar, sudah dua minggu tergenang air.",
    latitude = 0.398, longitude = 101.86, kecamatan = "Pangkalan Kerinci" }
  for k, v in pairs(extra or {}) do b[k] = v end
  local r = post("/reports", { json = b, as = WARGA })
  expect(r.status).to_be(201)
  return r.json.report
end

local function since(n0, pred)
  local out = {}
  local all = notifications()
  for i = n0 + 1, #all do if not pred or pred(all[i]) then out[#out + 1] = all[i] end end
  return out
end

local function actions(id)
  local out = {}
  for _, h in ipairs(get("/staff/reports/" .. id, { as = TRIAGE }).json.report.history) do out[#out + 1] = h.action end
  return out
end

describe("lapor workflow", function()
  it("walks a complaint from filing to a late follow-up, the reporter's confirmation and the scorecard", function()
    sign_in_everyone()
    clock.set(MONDAY_5_JAN)
    -- filed from the phone: a multipart form with a photo that carries GPS in its Exif
    local filed = post("/reports", { as = WARGA, multipart = {
      fields = { kind = "pengaduan", category = "jalan-rusak", latitude = "0.398", longitude = "101.86",
                 kecamatan = "Pangkalan Kerinci",
                 description = "Jalan berlubang di Jl. Maharaja Indra dekat pasar, sudah dua minggu tergenang air." },
      files = { { field = "photo", filename = "IMG_2041.jpg", content_type = "image/jpeg", data = test_image("jpeg") } } } })
    expect(filed.status).to_be(201)
    local rep = filed.json.report
    local id = rep.id
    expect(#rep.photos).to_be(1)
    expect(inspect_image(test_image("jpeg")).gps).to_be(true)   -- the upload had a location…

    -- verification by the triage agency; the public sees it from now on (not rahasia)
    expect(post("/reports/" .. id .. "/verify", { as = WARGA }).status).to_be(403)
    expect(post("/reports/" .. id .. "/verify", { as = PUPR }).status).to_be(403)
    local n0 = #notifications()
    local v = post("/reports/" .. id .. "/verify", { as = TRIAGE })
    expect(v.status).to_be(200)
    expect(v.json.report.status).to_be("diverifikasi")
    local public = get("/public/reports/" .. id)
    expect(public.status).to_be(200)
    local served = get(public.json.report.photos[1].url:sub(#"/api/v1/lapor" + 1))
    expect(served.status).to_be(200)
    expect(inspect_image(served.body).gps).to_be(false)          -- …the public copy has none
    expect(post("/reports/" .. id .. "/verify", { as = TRIAGE }).status).to_be(409)

    -- assignment to the category's agency: the OPD and the reporter are told
    local a = post("/reports/" .. id .. "/assign", { as = TRIAGE, json = { note = "Mohon segera ditangani" } })
    expect(a.status).to_be(200)
    expect(a.json.report.opd).to_be("DPUPR")
    expect(a.json.report.clocks.verifikasi.state).to_be("completed")
    expect(a.json.report.clocks.verifikasi.met_late).to_be(false)
    expect(a.json.report.clocks.tindak_lanjut.colour).to_be("green")
    local told = since(n0)
    local to = {}
    for _, n in ipairs(told) do to[#to + 1] = n.to end
    expect(#told).to_be(3)                      -- verified → reporter; assigned → OPD, reporter
    expect(to).to_contain("opd:DPUPR")
    expect(told[2].title.id).to_contain("Laporan baru")

    -- the wrong agency sees nothing and may do nothing
    expect(get("/staff/reports/" .. id, { as = DLH }).status).to_be(404)
    expect(post("/reports/" .. id .. "/followup", { as = DLH, json = { text = "Bukan urusan kami sebenarnya." } }).status).to_be(404)
    expect(#get("/queue", { as = DLH }).json.items).to_be(0)
    local q = get("/queue", { as = PUPR })
    expect(#q.json.items).to_be(1)
    expect(q.json.items[1].queue_clock.colour).to_be("green")

    -- the follow-up clock: yellow after 75 % of five working days, red after five
    local subject = "lapor-" .. id .. "-2"
    local n1 = #notifications()
    clock.advance(4 * DAY)                      -- Friday 09:00
    timers.tick(); timers.tick()
    expect(get("/public/reports/" .. id).json.report.clocks.tindak_lanjut.colour).to_be("yellow")
    expect(get("/queue", { as = PUPR }).json.items[1].queue_clock.colour).to_be("yellow")
    -- lists show the stored light (no clock reads per row), the same as the report's own view
    local listed
    for _, x in ipairs(get("/public/reports").json.items) do if x.id == id then listed = x end end
    expect(listed.lampu).to_be("yellow")
    expect(listed.lampu).to_be(get("/public/reports/" .. id).json.report.lampu)
    expect(listed.clocks).to_be_nil()
    clock.advance(3 * DAY)                      -- Monday 12 January 09:00: the weekend did not count
    timers.tick(); timers.tick()
    local pub = get("/public/reports/" .. id).json.report
    expect(pub.clocks.tindak_lanjut.colour).to_be("red")
    expect(pub.lampu).to_be("red")
    timers.tick()
    local sent = {}
    for _, n in ipairs(since(n1, function(n) return n.data and n.data.subject == subject end)) do
      sent[#sent + 1] = n.to .. " " .. n.data.policy .. " " .. n.data.colour
    end
    expect(sent).to_equal({ "opd:DPUPR tindak_lanjut yellow", "opd:DPUPR tindak_lanjut red", "role:pimpinan tindak_lanjut red" })

    -- the officer follows up (late) and marks it resolved
    expect(post("/reports/" .. id .. "/resolve", { as = PUPR }).status).to_be(409)
    expect(post("/reports/" .. id .. "/followup", { as = PUPR, json = { text = "ok" } }).status).to_be(400)
    clock.advance(3600)
    local f = post("/reports/" .. id .. "/followup", { as = PUPR,
      json = { text = "Lubang sudah ditimbun sementara; pengaspalan dijadwalkan pekan depan." } })
    expect(f.status).to_be(200)
    expect(f.json.report.status).to_be("ditindaklanjuti")
    expect(f.json.report.followup_met_late).to_be(true)
    expect(f.json.report.clocks.tindak_lanjut.state).to_be("completed")
    expect(f.json.report.clocks.tindak_lanjut.met_late).to_be(true)
    expect(f.json.report.clocks.konfirmasi.state).to_be("running")
    local res = post("/reports/" .. id .. "/resolve", { as = PUPR, json = { note = "Sudah diaspal." } })
    expect(res.status).to_be(200)
    expect(res.json.report.status).to_be("selesai")
    expect(res.json.report.clocks.penyelesaian.met_late).to_be(false)

    -- only the reporter confirms
    expect(post("/reports/" .. id .. "/confirm", { as = { roles = { "warga" }, opds = { "WARGA2" } } }).status).to_be(404)
    local c = post("/reports/" .. id .. "/confirm", { as = WARGA })
    expect(c.status).to_be(200)
    expect(c.json.report.status).to_be("ditutup")
    expect(c.json.report.closed_by).to_be("pelapor")
    expect(c.json.report.clocks.konfirmasi.state).to_be("cancelled")
    expect(post("/reports/" .. id .. "/confirm", { as = WARGA }).status).to_be(409)
    expect(actions(id)).to_equal({ "diajukan", "diverifikasi", "didisposisikan", "ditindaklanjuti", "selesai", "dikonfirmasi" })
    for _, h in ipairs(get("/staff/reports/" .. id, { as = TRIAGE }).json.report.history) do
      expect(h.at).to_be_truthy()
      expect(h.actor_id).to_be_truthy()
    end

    -- "met late" stays on the scorecard
    expect(get("/scorecard", { as = PUPR }).status).to_be(403)
    local sc = get("/scorecard", { as = PIMPINAN })
    expect(sc.status).to_be(200)
    local row
    for _, r in ipairs(sc.json.items) do if r.opd == "DPUPR" then row = r end end
    expect(row.tindak_lanjut.total).to_be(1)
    expect(row.tindak_lanjut.met_late).to_be(1)
    expect(row.tindak_lanjut.open).to_be(0)
    expect(row.tindak_lanjut.breach_rate).to_be(1)
    expect(row.followups_measured).to_be(1)
    expect(row.median_followup_working_days).to_be(5)
    expect(#row.oldest_open).to_be(0)
  end)

  it("reassigns to another agency: the old clocks leave the counts, the new OPD is told", function()
    local id = file({ category = "lampu-jalan", description = "Lampu jalan mati sepanjang 200 meter di Jl. Lintas Timur." }).id
    post("/reports/" .. id .. "/verify", { as = TRIAGE })
    expect(post("/reports/" .. id .. "/assign", { as = TRIAGE, json = { opd = "NOPE" } }).status).to_be(400)
    expect(post("/reports/" .. id .. "/assign", { as = TRIAGE, json = { opd = "DPUPR" } }).json.report.opd).to_be("DPUPR")
    expect(post("/reports/" .. id .. "/assign", { as = TRIAGE, json = { opd = "DPUPR" } }).status).to_be(409)
    local n0 = #notifications()
    local r = post("/reports/" .. id .. "/assign", { as = TRIAGE, json = { opd = "DISHUB" } })
    expect(r.status).to_be(200)
    expect(r.json.report.opd).to_be("DISHUB")
    expect(since(n0)[1].to).to_be("opd:DISHUB")
    expect(klik.sla.status("lapor-" .. id .. "-2", "tindak_lanjut").state).to_be("cancelled")
    expect(get("/staff/reports/" .. id, { as = PUPR }).status).to_be(404)
    expect(get("/staff/reports/" .. id, { as = DISHUB }).status).to_be(200)
    expect(actions(id)[4]).to_be("disposisi_ulang")
  end)

  it("rejects with a reason the reporter is told", function()
    local id = file({ description = "Tes tes tes tes tes tes tes tes tes tes tes tes." }).id
    expect(post("/reports/" .. id .. "/reject", { as = TRIAGE, json = { reason = "malas" } }).status).to_be(400)
    local n0 = #notifications()
    local r = post("/reports/" .. id .. "/reject", { as = TRIAGE, json = { reason = "spam" } })
    expect(r.status).to_be(200)
    expect(r.json.report.status).to_be("ditolak")
    expect(since(n0)[1].body.en).to_contain("Spam")
    expect(get("/public/reports/" .. id).status).to_be(404)
    expect(post("/reports/" .. id .. "/assign", { as = TRIAGE }).status).to_be(409)
  end)

  it("lets the reporter reopen: a new cycle with new clocks for the same agency", function()
    local id = file({ category = "sampah", description = "Tumpukan sampah di TPS Kelurahan Pangkalan Kerinci Kota tidak diangkut." }).id
    post("/reports/" .. id .. "/verify", { as = TRIAGE })
    post("/reports/" .. id .. "/assign", { as = TRIAGE })
    post("/reports/" .. id .. "/followup", { as = DLH, json = { text = "Truk sampah sudah dijadwalkan besok pagi." } })
    expect(post("/reports/" .. id .. "/reopen", { as = WARGA, json = { reason = "x" } }).status).to_be(400)
    local n0 = #notifications()
    local r = post("/reports/" .. id .. "/reopen", { as = WARGA, json = { reason = "Sampah masih menumpuk sampai hari ini." } })
    expect(r.status).to_be(200)
    expect(r.json.report.status).to_be("didisposisikan")
    expect(r.json.report.cycle).to_be(2)
    expect(r.json.report.clocks.tindak_lanjut.state).to_be("running")
    expect(since(n0)[1].to).to_be("opd:DLH")
    expect(#get("/queue", { as = DLH }).json.items).to_be(1)
  end)

  it("closes automatically ten working days after the follow-up when the reporter is silent", function()
    clock.set(MONDAY_5_OCT)
    local id = file({ category = "air-bersih", description = "Air PDAM tidak mengalir tiga hari di Perumahan Kerinci Permai." }).id
    post("/reports/" .. id .. "/verify", { as = TRIAGE })
    get("/queue", { as = { roles = { "petugas" }, opds = { "PDAM" } } })
    post("/reports/" .. id .. "/assign", { as = TRIAGE })
    local PDAM = { roles = { "petugas" }, opds = { "PDAM" } }
    expect(post("/reports/" .. id .. "/followup", { as = PDAM, json = { text = "Pipa bocor sudah diperbaiki." } }).status).to_be(200)
    clock.advance(14 * DAY - 60)               -- just before Monday 19 October 09:00
    timers.tick()
    expect(get("/me/reports/" .. id, { as = WARGA }).json.report.status).to_be("ditindaklanjuti")
    local n0 = #notifications()
    clock.advance(60)
    timers.tick(); timers.tick(); timers.tick()
    local r = get("/me/reports/" .. id, { as = WARGA }).json.report
    expect(r.status).to_be("ditutup")
    expect(r.closed_by).to_be("otomatis")
    expect(r.history[#r.history].action).to_be("ditutup_otomatis")
    local to_reporter = since(n0, function(n) return n.to:sub(1, 5) == "user:" end)
    expect(#to_reporter).to_be(1)
    expect(to_reporter[1].body.en).to_contain("Closed automatically")
    expect(post("/reports/" .. id .. "/reopen", { as = WARGA, json = { reason = "Air masih belum mengalir." } }).status).to_be(409)
  end)
end)

describe("privacy and permissions", function()
  local CITIZEN = { roles = { "warga" } }
  local TRIAGE_ = { roles = { "petugas" }, opds = { "DISKOMINFO" } }
  local PUPR_ = { roles = { "petugas" }, opds = { "DPUPR" } }
  local DLH_ = { roles = { "petugas" }, opds = { "DLH" } }

  local function filed(extra)
    local b = { kind = "pengaduan", category = "jalan-rusak",
      description = "Jembatan kayu di Desa Sering retak dan berbahaya untuk anak sekolah.",
      address = "Desa Sering, Pelalawan", kecamatan = "Pelalawan", desa = "Sering" }
    for k, v in pairs(extra) do b[k] = v end
    local r = post("/reports", { json = b, as = CITIZEN })
    expect(r.status).to_be(201)
    local id = r.json.report.id
    expect(post("/reports/" .. id .. "/verify", { as = TRIAGE_ }).status).to_be(200)
    expect(post("/reports/" .. id .. "/assign", { as = TRIAGE_ }).status).to_be(200)
    return id
  end

  -- Filed in the first test (describe bodies run before any test, when no agency exists yet).
  local plain, me, anonim, rahasia

  local function no_reporter_in(text, prose)
    expect(text:find(me.id, 1, true)).to_be_nil()
    expect(text:find(me.name, 1, true)).to_be_nil()
    -- no reporter field either (prose such as "the reporter confirmed" is allowed in messages)
    if not prose then expect(text:find("reporter", 1, true)).to_be_nil() end
  end

  it("shows the reporter to the assigned agency only for plain reports", function()
    get("/queue", { as = PUPR_ }); get("/queue", { as = DLH_ })
    plain = filed({})
    -- the citizen's account id and name, learned from a staff view of a plain report
    me = get("/staff/reports/" .. plain, { as = TRIAGE_ }).json.report.reporter
    anonim = filed({ anonim = true })
    rahasia = filed({ rahasia = true })
    expect(me.id).to_be_truthy()
    expect(me.name).to_contain("Penguji")
    local a = get("/staff/reports/" .. anonim, { as = PUPR_ })
    expect(a.status).to_be(200)
    expect(a.json.report.reporter).to_be_nil()
    expect(a.json.report.reporter_hidden).to_be(true)
    local t = a.text
    expect(t:find(me.id, 1, true)).to_be_nil()
    expect(t:find(me.name, 1, true)).to_be_nil()
    -- not to the triage agency or admins either, and not in the queue
    no_reporter_in(get("/staff/reports/" .. anonim, { as = TRIAGE_ }).text:gsub("reporter_hidden", ""))
    no_reporter_in(get("/staff/reports/" .. anonim, { as = { roles = { "admin" } } }).text:gsub("reporter_hidden", ""))
    for _, item in ipairs(get("/queue", { as = PUPR_ }).json.items) do
      if item.id == anonim then expect(item.reporter).to_be_nil() end
    end
    -- another agency's officer cannot open it at all
    expect(get("/staff/reports/" .. anonim, { as = DLH_ }).status).to_be(404)
  end)

  it("never shows rahasia reports to the public, in the list or by id", function()
    expect(get("/public/reports/" .. rahasia).status).to_be(404)
    local after, seen = nil, {}
    repeat
      local page = get("/public/reports", { query = { after = after } })
      expect(page.status).to_be(200)
      for _, r in ipairs(page.json.items) do seen[r.id] = true end
      after = page.json.next
    until not after
    expect(seen[rahasia]).to_be_nil()
    expect(seen[plain]).to_be(true)
    expect(seen[anonim]).to_be(true)
    -- the reporter still sees their own rahasia report
    expect(get("/me/reports/" .. rahasia, { as = CITIZEN }).json.report.rahasia).to_be(true)
  end)

  it("carries no personal data in public list and detail", function()
    no_reporter_in(get("/public/reports").text)
    no_reporter_in(get("/public/reports/" .. plain).text)
    no_reporter_in(get("/public/reports/" .. anonim).text)
    local r = get("/public/reports/" .. plain).json.report
    expect(r.anonim).to_be_nil()
    for _, h in ipairs(r.history) do expect(h.actor_id).to_be_nil() end
  end)

  it("keeps the reporter out of the scorecard and of agency notifications", function()
    no_reporter_in(get("/scorecard", { as = { roles = { "admin" } } }).text)
    for _, n in ipairs(notifications()) do
      if n.to:sub(1, 4) == "opd:" or n.to:sub(1, 5) == "role:" then
        no_reporter_in(klik.json.encode({ n.title, n.body, n.data or {} }), true)
      end
    end
  end)

  it("lets officers list only their agencies' reports; pimpinan read but change nothing", function()
    for _, r in ipairs(get("/staff/reports", { as = DLH_ }).json.items) do expect(r.opd).to_be("DLH") end
    expect(#get("/staff/reports", { as = { roles = { "pimpinan" } } }).json.items).to_be_greater_than(3)
    expect(post("/reports/" .. plain .. "/verify", { as = { roles = { "pimpinan" } } }).status).to_be(403)
    expect(post("/reports/" .. plain .. "/followup", { as = { roles = { "pimpinan" } },
      json = { text = "Pimpinan tidak menindaklanjuti." } }).status).to_be(403)
    expect(post("/reports/" .. plain .. "/confirm", { as = PUPR_ }).status).to_be(403)
    expect(get("/staff/reports", { as = PUPR_, query = { status = "bogus" } }).status).to_be(400)
  end)
end)

describe("open311 (JSON)", function()
  it("lists services and answers a service definition", function()
    local s = get("/open311/v2/services.json")
    expect(s.status).to_be(200)
    local by = {}
    for _, x in ipairs(s.json) do by[x.service_code] = x end
    expect(by["sampah"].group).to_be("DLH")
    expect(by["sampah"].metadata).to_be(false)
    expect(by["sampah"].service_name).to_contain("Rubbish")
    local d = get("/open311/v2/services/sampah.json")
    expect(d.status).to_be(200)
    expect(d.json.service_code).to_be("sampah")
    expect(#d.json.attributes).to_be(0)
    local missing = get("/open311/v2/services/pizza.json")
    expect(missing.status).to_be(404)
    expect(missing.json[1].code).to_be(404)
    local xml = get("/open311/v2/services/sampah.xml")     -- both formats (more in open311_test.lua)
    expect(xml.status).to_be(200)
    expect(xml.headers["Content-Type"] or xml.headers["content-type"]).to_be("text/xml; charset=utf-8")
  end)

  it("lists public requests with filters, as strings, never rahasia or the reporter", function()
    local all = get("/open311/v2/requests.json")
    expect(all.status).to_be(200)
    expect(#all.json).to_be(3)                  -- default window: the last 90 days (October 2026)
    for _, r in ipairs(all.json) do
      expect(type(r.service_request_id)).to_be("string")
      expect(r.status == "open" or r.status == "closed").to_be(true)
      local full = klik.db.get("reports", tonumber(r.service_request_id))
      expect(full.rahasia).to_be(false)
      expect(full.is_public).to_be(true)
    end
    expect(all.text:find("reporter", 1, true)).to_be_nil()
    local one = all.json[1]
    local by_id = get("/open311/v2/requests.json", { query = { service_request_id = one.service_request_id, status = "bogus" } })
    expect(#by_id.json).to_be(1)
    expect(by_id.json[1].service_request_id).to_be(one.service_request_id)
    for _, r in ipairs(get("/open311/v2/requests.json", { query = { status = "closed" } }).json) do
      expect(r.status).to_be("closed")
    end
    for _, r in ipairs(get("/open311/v2/requests.json", { query = { service_code = "sampah", status = "" } }).json) do
      expect(r.service_code).to_be("sampah")
    end
    expect(get("/open311/v2/requests.json", { query = { status = "bogus" } }).status).to_be(400)
    expect(get("/open311/v2/requests.json", { query = { start_date = "2026-01-01T00:00:00+07:00",
      end_date = "2026-06-01T00:00:00+07:00" } }).status).to_be(400)
    expect(get("/open311/v2/requests.json", { query = { start_date = "kemarin" } }).status).to_be(400)
    local old = get("/open311/v2/requests.json", { query = { start_date = "2026-01-01T00:00:00+07:00",
      end_date = "2026-01-31T00:00:00Z" } })
    expect(old.status).to_be(200)
    expect(#old.json).to_be_greater_than(0)
    for _, r in ipairs(old.json) do expect(r.requested_datetime < "2026-01-31").to_be(true) end
  end)
end)
