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
