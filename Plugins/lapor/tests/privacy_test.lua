-- Privacy across every route (Perpres 76/2013): an *anonim* and a *rahasia* report, each with a
-- GPS-tagged photo, are walked through the workflow; then every answer anyone but the reporter
-- can get — public lists and details, photos, Open311 in JSON and XML, the duplicate
-- suggestions, staff lists and details, the queue, the scorecard, the CSV export and the
-- notifications sent to other people — is searched for the reporter's name and account id.
local S = require("tests.support")

local REPORTER = { roles = { "warga" }, name = "Rahmat Privasi" }
local NEIGHBOUR = { roles = { "warga" }, name = "Tetangga Privasi" }
local CATEGORY = "privasi-drainase"
local LAT, LON = 0.3312, 101.9205

local officer, anonim, rahasia, plain, reporter_id, first_notification

local function file_with_photo(flags)
  local fields = { kind = "pengaduan", category = CATEGORY, latitude = tostring(LAT), longitude = tostring(LON),
    kecamatan = "Ukui", description = "Saluran drainase tersumbat sampah, air meluap ke jalan setiap hujan." }
  for k, v in pairs(flags) do fields[k] = v end
  local r = post("/reports", { as = REPORTER, multipart = { fields = fields,
    files = { { field = "photo", filename = "rumah-rahmat.jpg", content_type = "image/jpeg", data = test_image("jpeg") } } } })
  expect(r.status).to_be(201)
  return r.json.report.id
end

-- Every text must be free of the reporter's name and account id.
local function clean(label, text)
  expect(type(text)).to_be("string")
  for _, personal in ipairs({ "Rahmat Privasi", reporter_id, "rumah-rahmat" }) do
    if text:find(personal, 1, true) then error(label .. " leaks '" .. personal .. "'", 0) end
  end
end

describe("privacy of anonim and rahasia reports", function()
  it("files an anonim, a rahasia and a plain report with photos and takes them to the agency", function()
    clock.set(S.next_monday())
    officer = S.agency("DPRIV", CATEGORY, 14)
    first_notification = #notifications()
    anonim = file_with_photo({ anonim = "true" })
    rahasia = file_with_photo({ rahasia = "true" })
    plain = file_with_photo({})
    for _, id in ipairs({ anonim, rahasia, plain }) do S.verify(id); S.assign(id) end
    reporter_id = get("/me/reports/" .. plain, { as = REPORTER }).json and
      klik.db.get("reports", plain).reporter_id
    expect(type(reporter_id)).to_be("string")
    -- the plain report names its reporter to the agency: the search below can find a leak
    expect(get("/staff/reports/" .. plain, { as = officer }).text:find("Rahmat Privasi", 1, true)).to_be_truthy()
  end)

  it("leaks nothing through the public list, details and photos", function()
    local after, seen = nil, {}
    repeat
      local page = get("/public/reports", { query = { after = after } })
      expect(page.status).to_be(200)
      for _, r in ipairs(page.json.items) do
        seen[r.id] = true
        if r.id == anonim or r.id == plain then clean("public list item " .. r.id, klik.json.encode(r)) end
      end
      after = page.json.next
    until not after
    expect(seen[anonim]).to_be(true)
    expect(seen[rahasia]).to_be_nil()
    expect(get("/public/reports/" .. rahasia).status).to_be(404)
    local detail = get("/public/reports/" .. anonim)
    clean("public detail", detail.text)
    for _, p in ipairs(detail.json.report.photos) do
      local served = get(p.url:sub(#"/api/v1/lapor" + 1))
      expect(served.status).to_be(200)
      local info = inspect_image(served.body)
      expect(info.gps).to_be(false)
      expect(info.exif).to_be(false)
      expect(info.xmp).to_be(false)
      clean("public photo headers", klik.json.encode(served.headers))
    end
    -- a rahasia report's photo is not served to the public under any report
    local secret_photo = klik.db.find("photos", { where = { report = rahasia }, limit = 1 }).items[1]
    expect(get("/public/reports/" .. rahasia .. "/photos/" .. secret_photo.id).status).to_be(404)
    expect(get("/public/reports/" .. anonim .. "/photos/" .. secret_photo.id).status).to_be(404)
  end)

  it("leaks nothing through Open311, in JSON and XML", function()
    for _, fmt in ipairs({ "json", "xml" }) do
      local list = get("/open311/v2/requests." .. fmt, { query = { service_code = CATEGORY } })
      expect(list.status).to_be(200)
      clean("open311 requests." .. fmt, list.text)
      expect(list.text:find('"service_request_id":"' .. rahasia .. '"', 1, true)).to_be_nil()
      expect(list.text:find("<service_request_id>" .. rahasia .. "<", 1, true)).to_be_nil()
      clean("open311 request." .. fmt, get("/open311/v2/requests/" .. anonim .. "." .. fmt).text)
      expect(get("/open311/v2/requests/" .. rahasia .. "." .. fmt).status).to_be(404)
    end
  end)

  it("leaks nothing through another citizen's duplicate suggestions", function()
    local near = get("/duplicates/nearby", { as = NEIGHBOUR,
      query = { category = CATEGORY, latitude = tostring(LAT), longitude = tostring(LON) } })
    expect(near.status).to_be(200)
    clean("duplicate suggestions", near.text)
    for _, s in ipairs(near.json.items or near.json.suggestions or {}) do expect(s.id).not_to_be(rahasia) end
  end)

  it("shows staff no identity for anonim reports: details, lists, queue, scorecard, CSV", function()
    for _, who in ipairs({ officer, S.TRIAGE, S.ADMIN, S.PIMPINAN }) do
      local d = get("/staff/reports/" .. anonim, { as = who })
      expect(d.status).to_be(200)
      expect(d.json.report.reporter_hidden).to_be(true)
      clean("staff detail", d.text)
    end
    for _, item in ipairs(get("/staff/reports", { as = officer }).json.items) do
      if item.id == anonim then clean("staff list item", klik.json.encode(item)) end
    end
    for _, item in ipairs(get("/queue", { as = officer }).json.items) do
      if item.id == anonim then clean("queue item", klik.json.encode(item)) end
    end
    clean("scorecard", get("/scorecard", { as = S.PIMPINAN }).text)
    for _, who in ipairs({ officer, S.PIMPINAN, S.ADMIN }) do
      local csv = get("/export/reports.csv", { as = who, query = { opd = "DPRIV" } })
      expect(csv.status).to_be(200)
      expect(csv.headers["content-type"]).to_contain("text/csv")
      for line in csv.text:gmatch("[^\r\n]+") do
        if line:match("^" .. anonim .. ",") or line:match("^" .. rahasia .. ",") then clean("CSV row", line) end
      end
    end
  end)

  it("tells other people about these reports without naming the reporter", function()
    local all, others = notifications(), 0
    for i = first_notification + 1, #all do
      local n = all[i]
      local mine = n.to == "user:" .. reporter_id
      if not mine and n.data and (n.data.report == anonim or n.data.report == rahasia) then
        others = others + 1
        clean("notification to " .. n.to, klik.json.encode({ n.title, n.body, n.link, n.data }))
      end
    end
    expect(others).to_be_greater_than(1)   -- the agency was told about both assignments
  end)
end)
