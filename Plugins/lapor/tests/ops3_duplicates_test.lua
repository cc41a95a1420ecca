-- Duplicate suggestions by radius (bounding box, then haversine) and merging a duplicate.
local S = require("tests.support")

local REPORTER = { roles = { "warga" }, name = "Pelapor Duplikat" }
local OTHER = { roles = { "warga" }, name = "Pelapor Kedua" }
local LAT, LON = 0.2501, 102.1001          -- a place no other test files reports at
local NORTH_100M = 0.0009                   -- ≈ 100 m of latitude

local officer, a, b, c, d, unverified, secret, rejected

describe("duplicate suggestions", function()
  it("suggests open public reports of the same category within the radius, nearest first", function()
    officer = S.agency("DPKPP", "ops-drainase", 30)
    S.agency("DPKPP", "ops-taman", 30)
    a = S.file(REPORTER, "ops-drainase", { latitude = LAT, longitude = LON }); S.verify(a)
    b = S.file(OTHER, "ops-drainase", { latitude = LAT + NORTH_100M, longitude = LON }); S.verify(b)
    c = S.file(REPORTER, "ops-drainase", { latitude = LAT + 3 * NORTH_100M, longitude = LON }); S.verify(c)
    d = S.file(REPORTER, "ops-taman", { latitude = LAT, longitude = LON }); S.verify(d)
    unverified = S.file(REPORTER, "ops-drainase", { latitude = LAT, longitude = LON })
    secret = S.file(REPORTER, "ops-drainase", { latitude = LAT, longitude = LON, rahasia = true }); S.verify(secret)
    rejected = S.file(REPORTER, "ops-drainase", { latitude = LAT, longitude = LON })
    expect(post("/reports/" .. rejected .. "/reject", { as = S.TRIAGE, json = { reason = "spam" } }).status).to_be(200)

    local r = get("/duplicates/nearby", { as = OTHER,
      query = { category = "ops-drainase", latitude = tostring(LAT), longitude = tostring(LON) } })
    expect(r.status).to_be(200)
    expect(r.json.radius_m).to_be(200)
    expect(S.ids(r.json.items)).to_equal({ a, b })       -- c is 300 m away; d another category;
    expect(r.json.items[1].distance_m).to_be(0)          -- unverified, rahasia, rejected: not suggested
    expect(r.json.items[2].distance_m > 95 and r.json.items[2].distance_m < 105).to_be(true)
    expect(r.text:find("reporter", 1, true)).to_be_nil()
  end)

  it("refuses a preview with bad input, naming the field", function()
    local r = get("/duplicates/nearby", { as = OTHER, query = { category = "pizza", latitude = "91", longitude = "x" } })
    expect(r.status).to_be(400)
    local fields = {}
    for _, p in ipairs(r.json.error.details) do fields[#fields + 1] = p.field end
    expect(fields).to_equal({ "category", "latitude", "longitude" })
    expect(get("/duplicates/nearby", { query = { category = "ops-drainase", latitude = "0", longitude = "0" } }).status).to_be(401)
  end)

  it("answers suggestions when filing, without the new report itself", function()
    local id, res = S.file(OTHER, "ops-drainase", { latitude = LAT + NORTH_100M / 2, longitude = LON })
    local got = S.ids(res.suggested_duplicates)
    expect(got).to_contain(a)
    expect(got).to_contain(b)
    for _, x in ipairs(got) do expect(x).not_to_be(id) end
    expect(#got).to_be(2)
  end)

  it("lets staff list merge candidates within a chosen radius", function()
    local r = get("/staff/reports/" .. a .. "/duplicates", { as = S.TRIAGE, query = { radius_m = "500" } })
    expect(r.status).to_be(200)
    local got = S.ids(r.json.items)
    expect(got).to_contain(b)
    expect(got).to_contain(c)                 -- 300 m, inside 500 m
    expect(got).to_contain(unverified)        -- staff see unverified and rahasia reports too
    expect(got).to_contain(secret)
    for _, x in ipairs(got) do expect(x).not_to_be(a); expect(x).not_to_be(rejected); expect(x).not_to_be(d) end
    expect(get("/staff/reports/" .. a .. "/duplicates", { as = S.TRIAGE, query = { radius_m = "9000" } }).status).to_be(400)
    expect(get("/staff/reports/" .. a .. "/duplicates", { as = { roles = { "petugas" }, opds = { "DLH" } } }).status).to_be(404)
  end)
end)

describe("merging a duplicate", function()
  it("refuses bad merges without changing anything", function()
    local function merge(id, into, as) return post("/reports/" .. id .. "/merge", { as = as or S.TRIAGE, json = { into = into } }) end
    local r = merge(b, "abc")
    expect(r.status).to_be(400)
    expect(r.json.error.details[1].field).to_be("into")
    expect(merge(b, b).status).to_be(400)
    expect(merge(b, 99999999).status).to_be(404)
    expect(merge(b, d).json.error.code).to_be("category_mismatch")
    expect(merge(b, rejected).json.error.code).to_be("invalid_target")
    expect(merge(rejected, a).status).to_be(409)
    expect(merge(b, a, S.PIMPINAN).status).to_be(403)
    expect(merge(b, a, { roles = { "warga" }, name = "Pelapor Kedua" }).status).to_be(403)
    expect(klik.db.get("reports", b).status).to_be("diverifikasi")
    expect(klik.db.get("reports", a).duplicate_count or 0).to_be(0)
  end)

  it("merges: status digabung, link both ways, clocks stopped, the duplicate's reporter told", function()
    S.assign(b)
    local subject = "lapor-" .. b .. "-2"
    expect(klik.sla.status(subject, "tindak_lanjut").state).to_be("running")
    local n0 = #notifications()
    local r = post("/reports/" .. b .. "/merge", { as = S.TRIAGE, json = { into = a, note = "Lubang drainase yang sama" } })
    expect(r.status).to_be(200)
    expect(r.json.report.status).to_be("digabung")
    expect(r.json.report.merged_into).to_be(a)
    expect(r.json.merged_into.duplicate_count).to_be(1)
    expect(klik.sla.status(subject, "tindak_lanjut").state).to_be("cancelled")
    expect(klik.sla.status("lapor-" .. b, "verifikasi").state).to_be("completed")
    expect(klik.db.get("reports", b).colour).to_be("")
    local told = S.since(n0)
    expect(#told).to_be(1)
    expect(told[1].to:sub(1, 5)).to_be("user:")
    expect(told[1].body.id).to_contain("#" .. a)
    expect(told[1].body.en).to_contain("merged into it")
    -- history on both sides; the public sees the link but no note
    local hb = get("/staff/reports/" .. b, { as = S.TRIAGE }).json.report.history
    expect(hb[#hb].action).to_be("digabung")
    local ha = get("/staff/reports/" .. a, { as = S.TRIAGE }).json.report.history
    expect(ha[#ha].action).to_be("duplikat_digabung")
    expect(ha[#ha].note).to_be("#" .. b)
    local pub = get("/public/reports/" .. b).json.report
    expect(pub.merged_into).to_be(a)
    expect(pub.history[#pub.history].note).to_be_nil()
    -- Open311 calls a merged duplicate closed and names the report it went into
    local o = get("/open311/v2/requests/" .. b .. ".json").json[1]
    expect(o.status).to_be("closed")
    expect(o.status_notes).to_contain("#" .. a)
    expect(o.expected_datetime).to_be_nil()
    -- the duplicate's reporter follows it in their own list
    expect(get("/me/reports/" .. b, { as = OTHER }).json.report.status).to_be("digabung")
  end)

  it("refuses merging into a merged report, merging twice, or merging a report that has duplicates", function()
    expect(post("/reports/" .. c .. "/merge", { as = S.TRIAGE, json = { into = b } }).json.error.code).to_be("invalid_target")
    expect(post("/reports/" .. b .. "/merge", { as = S.TRIAGE, json = { into = c } }).status).to_be(409)
    expect(post("/reports/" .. a .. "/merge", { as = S.TRIAGE, json = { into = c } }).json.error.code).to_be("has_duplicates")
  end)

  it("lets an agency's officer merge only between reports of their own agency", function()
    S.assign(a)
    S.assign(c)
    local dlh = { roles = { "petugas" }, opds = { "DLH" } }
    expect(post("/reports/" .. c .. "/merge", { as = dlh, json = { into = a } }).status).to_be(404)
    expect(post("/reports/" .. unverified .. "/merge", { as = officer, json = { into = a } }).status).to_be(404)
    local r = post("/reports/" .. c .. "/merge", { as = officer, json = { into = a } })
    expect(r.status).to_be(200)
    expect(klik.db.get("reports", a).duplicate_count).to_be(2)
    for _, item in ipairs(get("/queue", { as = officer }).json.items) do expect(item.id).not_to_be(c) end
  end)
end)
