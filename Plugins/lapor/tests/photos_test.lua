-- Photos: multipart filing with up to 5 photos, evidence photos on follow-up, metadata stripped,
-- and who may see which photo (public, reporter, staff; rahasia and anonim reports).

local WARGA = { roles = { "warga" }, name = "Pelapor foto" }
local OTHER = { roles = { "warga" }, name = "Warga lain foto" }
local TRIAGE = { roles = { "petugas" }, opds = { "DISKOMINFO" } }
local PUPR = { roles = { "petugas" }, opds = { "DPUPR" } }
local DLH = { roles = { "petugas" }, opds = { "DLH" } }

for _, who in ipairs({ WARGA, OTHER, TRIAGE, PUPR, DLH }) do get("/categories", { as = who }) end

local function photo(kind, name, field)
  local types = { jpeg = "image/jpeg", png = "image/png", webp = "image/webp", html = "image/jpeg" }
  return { field = field or "photo", filename = name or ("foto." .. kind), content_type = types[kind], data = test_image(kind) }
end

local function fields(extra)
  local f = { kind = "pengaduan", category = "jalan-rusak", latitude = "0.41", longitude = "101.86",
    description = "Jembatan kayu di Desa Kuala Terusan lapuk dan berlubang, membahayakan anak sekolah.",
    kecamatan = "Pangkalan Kerinci" }
  for k, v in pairs(extra or {}) do f[k] = v end
  return f
end

local function file_with(files, extra, as)
  return post("/reports", { as = as or WARGA, multipart = { fields = fields(extra), files = files } })
end

local function count_mine()
  return #get("/me/reports", { as = WARGA }).json.items
end

describe("photos on filing", function()
  it("files a report with photos; served photos carry no GPS, Exif, XMP or text", function()
    local r = file_with({ photo("jpeg"), photo("png"), photo("webp") })
    expect(r.status).to_be(201)
    local rep = r.json.report
    expect(rep.location.latitude).to_be(0.41)
    expect(rep.anonim).to_be(false)
    expect(#rep.photos).to_be(3)
    expect(rep.photos[1].kind).to_be("laporan")
    expect(rep.photos[1].type).to_be("image/jpeg")
    expect(rep.photos[1].url).to_be("/api/v1/lapor/me/reports/" .. rep.id .. "/photos/" .. rep.photos[1].id)
    for i, kind in ipairs({ "jpeg", "png", "webp" }) do
      local served = get("/me/reports/" .. rep.id .. "/photos/" .. rep.photos[i].id, { as = WARGA })
      expect(served.status).to_be(200)
      expect(served.headers["content-type"]).to_be("image/" .. kind)
      expect(served.headers["x-content-type-options"]).to_be("nosniff")
      local info = inspect_image(served.body)
      expect(info.type).to_be(kind)
      expect(info.gps).to_be(false)
      expect(info.exif).to_be(false)
      expect(info.xmp).to_be(false)
      expect(info.text).to_be(false)
    end
    -- the test images really carried the metadata
    local original = inspect_image(test_image("jpeg"))
    expect(original.gps).to_be(true)
    expect(original.parts).to_contain("APP1")
  end)

  it("turns multipart text into typed fields", function()
    local r = file_with({}, { anonim = "true", rahasia = "0" })
    expect(r.status).to_be(201)
    expect(r.json.report.anonim).to_be(true)
    expect(r.json.report.rahasia).to_be(false)
    expect(#r.json.report.photos).to_be(0)
    local bad = file_with({}, { latitude = "utara", anonim = "mungkin" })
    expect(bad.status).to_be(400)
    expect(bad.json.error.message).to_contain("latitude")
    expect(bad.json.error.message).to_contain("anonim")
  end)

  it("refuses an HTML file named .jpg, naming the field, and keeps nothing", function()
    local before, used = count_mine(), klik.files.usage()
    local r = file_with({ photo("jpeg"), photo("html", "foto-jalan.jpg") })
    expect(r.status).to_be(415)
    expect(r.json.error.code).to_be("unsupported_type")
    expect(r.json.error.message).to_contain("photo: jenis berkas tidak didukung")
    expect(r.json.error.details[1].field).to_be("photo")
    expect(count_mine()).to_be(before)
    expect(klik.files.usage().files).to_be(used.files)
  end)

  it("refuses more than 5 photos and unknown file fields before storing anything", function()
    local used = klik.files.usage()
    local six = {}
    for i = 1, 6 do six[i] = photo("png") end
    local r = file_with(six)
    expect(r.status).to_be(400)
    expect(r.json.error.details[1].field).to_be("photo")
    expect(r.json.error.message).to_contain("Paling banyak 5 foto")
    local odd = file_with({ photo("jpeg", "a.jpg", "gambar") })
    expect(odd.status).to_be(400)
    expect(odd.json.error.details[1].field).to_be("gambar")
    expect(klik.files.usage().files).to_be(used.files)
  end)
end)

describe("who sees photos", function()
  local function verified(extra)
    local r = file_with({ photo("jpeg") }, extra)
    local rep = r.json.report
    expect(post("/reports/" .. rep.id .. "/verify", { as = TRIAGE }).status).to_be(200)
    return rep, rep.photos[1].id
  end

  it("shows photos of verified, not rahasia reports to the public", function()
    local pending = file_with({ photo("jpeg") }).json.report
    expect(get("/public/reports/" .. pending.id .. "/photos/" .. pending.photos[1].id).status).to_be(404)
    local rep, pid = verified()
    local pub = get("/public/reports/" .. rep.id)
    expect(pub.json.report.photos[1].url).to_be("/api/v1/lapor/public/reports/" .. rep.id .. "/photos/" .. pid)
    local served = get("/public/reports/" .. rep.id .. "/photos/" .. pid)
    expect(served.status).to_be(200)
    expect(served.headers["cache-control"]).to_be("public, max-age=300")
    expect(inspect_image(served.body).gps).to_be(false)
    -- a photo id of another report does not open through this one
    expect(get("/public/reports/" .. pending.id .. "/photos/" .. pid).status).to_be(404)
    expect(get("/public/reports/" .. rep.id .. "/photos/999999").status).to_be(404)
  end)

  it("keeps photos of rahasia reports to the reporter and staff who may open the report", function()
    local rep, pid = verified({ rahasia = "true" })
    local path = "/reports/" .. rep.id .. "/photos/" .. pid
    expect(get("/public" .. path).status).to_be(404)
    expect(get("/me" .. path, { as = WARGA }).status).to_be(200)
    expect(get("/me" .. path, { as = OTHER }).status).to_be(404)
    expect(get("/staff" .. path, { as = TRIAGE }).status).to_be(200)
    expect(get("/staff" .. path, { as = DLH }).status).to_be(404)
    expect(get("/me" .. path).status).to_be(401)
  end)

  it("names no one on photos of anonim reports", function()
    local rep, pid = verified({ anonim = "true" })
    local staff = get("/staff/reports/" .. rep.id, { as = TRIAGE }).json.report
    expect(staff.reporter_hidden).to_be(true)
    expect(staff.reporter).to_be_nil()
    local p = staff.photos[1]
    expect(p.id).to_be(pid)
    for k in pairs(p) do expect(({ uploaded_by = 1, reporter_id = 1, user = 1, filename = 1 })[k]).to_be_nil() end
    expect(get("/public/reports/" .. rep.id .. "/photos/" .. pid).status).to_be(200)
  end)
end)

describe("evidence photos on follow-up", function()
  it("lets the assigned agency add evidence photos that everyone allowed can see", function()
    local rep = file_with({ photo("jpeg") }).json.report
    post("/reports/" .. rep.id .. "/verify", { as = TRIAGE })
    expect(post("/reports/" .. rep.id .. "/assign", { as = TRIAGE }).status).to_be(200)
    local used = klik.files.usage()
    local wrong = post("/reports/" .. rep.id .. "/followup", { as = DLH,
      multipart = { fields = { text = "Sudah kami periksa di lapangan." }, files = { photo("png") } } })
    expect(wrong.status).to_be(404)
    expect(klik.files.usage().files).to_be(used.files) -- the stored evidence was discarded
    local r = post("/reports/" .. rep.id .. "/followup", { as = PUPR,
      multipart = { fields = { text = "Jembatan sudah diperbaiki dengan papan baru." }, files = { photo("webp"), photo("jpeg") } } })
    expect(r.status).to_be(200)
    local staff = get("/staff/reports/" .. rep.id, { as = PUPR }).json.report
    expect(#staff.photos).to_be(3)
    expect(staff.photos[2].kind).to_be("tindak_lanjut")
    expect(staff.photos[3].kind).to_be("tindak_lanjut")
    local mine = get("/me/reports/" .. rep.id, { as = WARGA }).json.report
    local evidence = get(mine.photos[2].url:gsub("^/api/v1/lapor", ""), { as = WARGA })
    expect(evidence.status).to_be(200)
    expect(inspect_image(evidence.body).exif).to_be(false)
    expect(#get("/public/reports/" .. rep.id).json.report.photos).to_be(3)
  end)

  it("still takes a JSON follow-up without photos", function()
    local rep = file_with({}).json.report
    post("/reports/" .. rep.id .. "/verify", { as = TRIAGE })
    post("/reports/" .. rep.id .. "/assign", { as = TRIAGE })
    local r = post("/reports/" .. rep.id .. "/followup", { as = PUPR, json = { text = "Tim kami menjadwalkan perbaikan minggu ini." } })
    expect(r.status).to_be(200)
  end)
end)
