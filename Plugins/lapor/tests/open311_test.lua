-- Open311 GeoReport v2 under /open311/v2/ in both formats, and category attributes (the extra
-- questions Open311 calls a service definition). Runs after lapor_test.lua in the same kernel, so
-- it uses its own category and moves the clock to 2027, past that file's reports.
--
-- POST requests go over HTTP as a form, with a real kernel API key from `api_key{...}`.

local ADMIN = { roles = { "admin" } }
local WARGA = { roles = { "warga" } }
local TRIAGE = { roles = { "petugas" }, opds = { "DISKOMINFO" } }
local DLH = { roles = { "petugas" }, opds = { "DLH" } }
local KEY = { name = "Aplikasi uji", scopes = { "open311:write" } }
local MARCH_2027 = 1803866400   -- Monday 1 March 2027, 09:00 WIB
local JUNE_2027 = 1812938400    -- Monday 14 June 2027, 09:00 WIB (105 days later)
local BASE = "/open311/v2/"

---------------------------------------------------------------------------------------------
-- a small XML reader: enough to check the document is well formed and to walk its elements

local ENTITIES = { amp = "&", lt = "<", gt = ">", quot = '"', apos = "'" }

local function parse_xml(text)
  local body = text:match('^<%?xml version="1%.0" encoding="utf%-8"%?>(.*)$')
  assert(body, "no XML declaration in " .. text:sub(1, 80))
  local root = { children = {} }
  local stack, pos = { root }, 1
  while true do
    local s, e, close, tag, selfclose = body:find("<(/?)([%w_]+)(/?)>", pos)
    if not s then break end
    local between, top = body:sub(pos, s - 1), stack[#stack]
    assert(not between:find("[<>]"), "unescaped markup in text: " .. between)
    if between ~= "" then top.text = (top.text or "") .. between:gsub("&(%a+);", ENTITIES) end
    if close == "/" then
      assert(top.tag == tag, "</" .. tag .. "> closes <" .. tostring(top.tag) .. ">")
      stack[#stack] = nil
    else
      local node = { tag = tag, children = {} }
      top.children[#top.children + 1] = node
      if selfclose ~= "/" then stack[#stack + 1] = node end
    end
    pos = e + 1
  end
  assert(pos == #body + 1 and #stack == 1 and #root.children == 1, "not one closed root element")
  return root.children[1]
end

local function kids(node, tag)
  local out = {}
  for _, c in ipairs(node.children) do if c.tag == tag then out[#out + 1] = c end end
  return out
end
local function one(node, tag) return kids(node, tag)[1] end
local function val(node, tag) local c = one(node, tag); return c and (c.text or "") end
local function tags(node)
  local out = {}
  for i, c in ipairs(node.children) do out[i] = c.tag end
  return out
end

local function content_type(r) return r.headers["Content-Type"] or r.headers["content-type"] end

local function xml_of(r)
  expect(content_type(r)).to_be("text/xml; charset=utf-8")
  return parse_xml(r.text)
end

-- An Open311 error answer in XML: <errors><error><code/><description/></error>…</errors>.
local function xml_errors(r, status)
  expect(r.status).to_be(status)
  local root = xml_of(r)
  expect(root.tag).to_be("errors")
  local out = {}
  for _, e in ipairs(kids(root, "error")) do
    expect(val(e, "code")).to_be(tostring(status))
    out[#out + 1] = val(e, "description")
  end
  expect(#out).to_be_greater_than(0)
  return table.concat(out, "\n")
end

-- The same in JSON: a bare array of {code, description}.
local function json_errors(r, status)
  expect(r.status).to_be(status)
  local out = {}
  for _, e in ipairs(r.json) do
    expect(e.code).to_be(status)
    out[#out + 1] = e.description
  end
  expect(#out).to_be_greater_than(0)
  return table.concat(out, "\n")
end

---------------------------------------------------------------------------------------------
-- POST requests with a key: a url-encoded form over HTTP, as an Open311 client sends it

local function form_encode(fields)
  local names = {}
  for k in pairs(fields) do names[#names + 1] = k end
  table.sort(names)
  local out = {}
  local function esc(s) return (tostring(s):gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end)) end
  for _, k in ipairs(names) do
    local v = fields[k]
    if type(v) == "table" then
      for _, item in ipairs(v) do out[#out + 1] = esc(k) .. "=" .. esc(item) end
    else
      out[#out + 1] = esc(k) .. "=" .. esc(v)
    end
  end
  return table.concat(out, "&")
end

local function submit(fields, opts)
  opts = opts or {}
  local key = KEY
  if opts.key == false then key = nil elseif opts.key then key = opts.key end
  local body = {}
  for k, v in pairs(fields) do body[k] = v end
  if key then body.api_key = api_key(key) end
  return post(BASE .. "requests." .. (opts.fmt or "json"), { body = form_encode(body),
    headers = { ["Content-Type"] = "application/x-www-form-urlencoded" } })
end

local function tree_form(extra)
  local b = { service_code = "pohon-tumbang", lat = "0.4012", long = "101.8421",
    description = "Pohon besar tumbang menutup separuh jalan di depan Pasar Sungai Kijang.",
    email = "sari.warga@example.id", first_name = "Sari", last_name = "Lestari", phone = "0812-7777-1234",
    device_id = "perangkat-42", account_id = "akun-77",
    ["attribute[ukuran]"] = "besar", ["attribute[dampak][]"] = { "jalan", "listrik" } }
  for k, v in pairs(extra or {}) do b[k] = v ~= false and v or nil end
  return b
end

local function count(collection) return klik.db.count(collection, {}) end

-- Files through Open311 and verifies (and optionally assigns) over HTTP as the triage officer.
local function public_request(extra, assign)
  local r = submit(tree_form(extra))
  expect(r.status).to_be(200)
  local token = r.json[1].token
  local id = klik.db.find("open311_submissions", { where = { token = token }, limit = 1 }).items[1].report
  expect(post("/reports/" .. id .. "/verify", { as = TRIAGE }).status).to_be(200)
  if assign then expect(post("/reports/" .. id .. "/assign", { as = TRIAGE }).status).to_be(200) end
  return id, token
end

---------------------------------------------------------------------------------------------

describe("open311 setup", function()
  it("has a category with names that need escaping, served by DLH", function()
    get("/queue", { as = DLH }); get("/queue", { as = TRIAGE })
    clock.set(MARCH_2027)
    local c = post("/admin/categories", { as = ADMIN, json = { code = "pohon-tumbang", name_id = "Pohon tumbang & <ranting>",
      name_en = "Fallen trees & \"branches\"", opd = "DLH", target_days = 7, keywords = "pohon;tumbang;tree" } })
    expect(c.status).to_be(201)
  end)
end)

describe("category attributes (Open311 service definition)", function()
  local path = "/admin/categories/pohon-tumbang/attributes"

  it("lets only admins define questions, refusing bad definitions field by field", function()
    expect(post(path, { as = WARGA, json = {} }).status).to_be(403)
    expect(post(path, { json = {} }).status).to_be(401)
    expect(post("/admin/categories/tidak-ada/attributes", { as = ADMIN, json = {} }).status).to_be(404)
    local before = count("attributes")
    local bad = post(path, { as = ADMIN, json = { code = "Ukuran!", datatype = "warna", description_id = "",
      order = 1.5, required = "ya" } })
    expect(bad.status).to_be(400)
    local fields = {}
    for _, p in ipairs(bad.json.error.details) do fields[#fields + 1] = p.field end
    for _, f in ipairs({ "code", "datatype", "description_id", "description_en", "required", "order" }) do
      expect(fields).to_contain(f)
    end
    local list_without_values = post(path, { as = ADMIN, json = { code = "ukuran", datatype = "singlevaluelist",
      description_id = "Ukuran pohon", description_en = "Tree size" } })
    expect(list_without_values.status).to_be(400)
    expect(list_without_values.json.error.message).to_contain("values")
    local values_on_text = post(path, { as = ADMIN, json = { code = "catatan", datatype = "text",
      description_id = "Catatan", description_en = "Notes", values = { { key = "a", name_id = "A", name_en = "A" } } } })
    expect(values_on_text.status).to_be(400)
    local duplicate_keys = post(path, { as = ADMIN, json = { code = "ukuran", datatype = "singlevaluelist",
      description_id = "Ukuran", description_en = "Size",
      values = { { key = "a", name_id = "A", name_en = "A" }, { key = "a", name_id = "B", name_en = "B" } } } })
    expect(duplicate_keys.status).to_be(400)
    expect(duplicate_keys.json.error.message).to_contain("values[2]")
    expect(count("attributes")).to_be(before)
  end)

  it("creates questions of every datatype, in order, and refuses a second with the same code", function()
    local defs = {
      { code = "ukuran", datatype = "singlevaluelist", required = true, description_id = "Ukuran pohon", description_en = "Tree size",
        values = { { key = "kecil", name_id = "Kecil", name_en = "Small" }, { key = "besar", name_id = "Besar", name_en = "Large" } } },
      { code = "dampak", datatype = "multivaluelist", description_id = "Apa yang terdampak?", description_en = "What is affected?",
        values = { { key = "jalan", name_id = "Jalan", name_en = "Road" }, { key = "listrik", name_id = "Kabel listrik", name_en = "Power lines" },
                   { key = "rumah", name_id = "Rumah", name_en = "Houses" } } },
      { code = "diameter", datatype = "number", description_id = "Diameter batang (cm)", description_en = "Trunk diameter (cm)" },
      { code = "kejadian", datatype = "datetime", description_id = "Kapan tumbang?", description_en = "When did it fall?",
        datatype_description_id = "Format ISO 8601", datatype_description_en = "ISO 8601 format" },
      { code = "patokan", datatype = "string", description_id = "Patokan terdekat", description_en = "Nearest landmark" },
      { code = "keterangan", datatype = "text", description_id = "Keterangan lain", description_en = "Other details" },
      { code = "info", datatype = "string", variable = false, description_id = "Jangan mendekati kabel listrik",
        description_en = "Keep away from power lines" },
    }
    for i, d in ipairs(defs) do
      local r = post(path, { as = ADMIN, json = d })
      expect(r.status).to_be(201)
      expect(r.json.attribute.order).to_be(i)
    end
    expect(post(path, { as = ADMIN, json = defs[3] }).status).to_be(409)
    local all = get(path, { as = ADMIN })
    expect(#all.json.items).to_be(7)
    expect(all.json.items[1].values[2].name.en).to_be("Large")
  end)

  it("updates a question but never its code or datatype; deactivated ones disappear", function()
    local extra = post(path, { as = ADMIN, json = { code = "lama", datatype = "string", description_id = "Lama", description_en = "Old" } })
    expect(extra.status).to_be(201)
    local moved = put(path .. "/lama", { as = ADMIN, json = { description_en = "Old question", order = 20 } })
    expect(moved.status).to_be(200)
    expect(moved.json.attribute.description.en).to_be("Old question")
    expect(moved.json.attribute.order).to_be(20)
    local typed = put(path .. "/lama", { as = ADMIN, json = { datatype = "number", code = "baru" } })
    expect(typed.status).to_be(400)
    expect(typed.json.error.message).to_contain("datatype")
    expect(typed.json.error.message).to_contain("code")
    expect(put(path .. "/tidak-ada", { as = ADMIN, json = {} }).status).to_be(404)
    expect(put(path .. "/lama", { as = WARGA, json = { active = false } }).status).to_be(403)
    expect(put(path .. "/lama", { as = ADMIN, json = { active = false } }).json.attribute.active).to_be(false)
    local public = get("/categories/pohon-tumbang/attributes")
    expect(public.status).to_be(200)
    local codes = {}
    for _, a in ipairs(public.json.items) do codes[#codes + 1] = a.code end
    expect(codes).to_equal({ "ukuran", "dampak", "diameter", "kejadian", "patokan", "keterangan" })
    expect(get("/categories/tidak-ada/attributes").status).to_be(404)
  end)

  it("checks answers on the app's own filing route too, naming each question", function()
    local b = { kind = "pengaduan", category = "pohon-tumbang", kecamatan = "Langgam",
      description = "Pohon tumbang di jalan desa, kendaraan roda empat tidak bisa lewat.",
      attributes = { dampak = { "jalan", "kapal" }, diameter = "lebar", kejadian = "kemarin sore", warna = "hijau", info = "x" } }
    local before = count("reports")
    local r = post("/reports", { as = WARGA, json = b })
    expect(r.status).to_be(400)
    local m = r.json.error.message
    expect(m).to_contain("attributes.ukuran wajib diisi")              -- required
    expect(m).to_contain("attributes.dampak holds a key not among")     -- unknown list key
    expect(m).to_contain("attributes.diameter harus angka")
    expect(m).to_contain("attributes.kejadian must be an ISO 8601 time")
    expect(m).to_contain("attributes.warna is not a question")          -- unknown code
    expect(m).to_contain("attributes.info is not a question")           -- informational only
    expect(post("/reports", { as = WARGA, json = { kind = "pengaduan", category = "pohon-tumbang", kecamatan = "Langgam",
      description = b.description, attributes = { "besar" } } }).status).to_be(400)
    expect(count("reports")).to_be(before)
    b.attributes = { ukuran = "kecil", dampak = { "rumah", "jalan", "rumah" }, diameter = 45, kejadian = "2027-02-28T17:30:00+07:00" }
    local ok = post("/reports", { as = WARGA, json = b })
    expect(ok.status).to_be(201)
    expect(ok.json.report.attributes).to_equal({ ukuran = "kecil", dampak = { "rumah", "jalan" }, diameter = 45,
      kejadian = "2027-02-28T17:30:00+07:00" })
    post("/reports/" .. ok.json.report.id .. "/verify", { as = TRIAGE })
    expect(get("/public/reports/" .. ok.json.report.id).json.report.attributes).to_be_nil()
  end)

  it("serves the service definition in JSON and XML, with metadata=true in the service list", function()
    local d = get(BASE .. "services/pohon-tumbang.json")
    expect(d.status).to_be(200)
    expect(d.json.service_code).to_be("pohon-tumbang")
    expect(#d.json.attributes).to_be(7)
    local first = d.json.attributes[1]
    expect(first).to_equal({ variable = true, code = "ukuran", datatype = "singlevaluelist", required = true, order = 1,
      description = "Ukuran pohon / Tree size",
      values = { { key = "kecil", name = "Kecil / Small" }, { key = "besar", name = "Besar / Large" } } })
    expect(d.json.attributes[4].datatype_description).to_be("Format ISO 8601 / ISO 8601 format")
    expect(d.json.attributes[7].variable).to_be(false)
    local x = xml_of(get(BASE .. "services/pohon-tumbang.xml"))
    expect(x.tag).to_be("service_definition")
    expect(val(x, "service_code")).to_be("pohon-tumbang")
    local attrs = kids(one(x, "attributes"), "attribute")
    expect(#attrs).to_be(7)
    expect(tags(attrs[1])).to_equal({ "variable", "code", "datatype", "required", "order", "description", "values" })
    expect(val(attrs[1], "required")).to_be("true")
    local values = kids(one(attrs[1], "values"), "value")
    expect(val(values[2], "key")).to_be("besar")
    expect(val(values[2], "name")).to_be("Besar / Large")
    expect(val(attrs[7], "variable")).to_be("false")
    -- a category without questions: an empty list
    expect(#get(BASE .. "services/sampah.json").json.attributes).to_be(0)
    expect(#kids(one(xml_of(get(BASE .. "services/sampah.xml")), "attributes"), "attribute")).to_be(0)
    local by = {}
    for _, s in ipairs(get(BASE .. "services.json").json) do by[s.service_code] = s end
    expect(by["pohon-tumbang"].metadata).to_be(true)
    expect(by["sampah"].metadata).to_be(false)
  end)
end)

describe("open311 discovery, services and errors of a service definition", function()
  it("answers discovery in both formats", function()
    local j = get(BASE .. "discovery.json")
    expect(j.status).to_be(200)
    local e = j.json.endpoints[1]
    expect(e.specification).to_be("http://wiki.open311.org/GeoReport_v2")
    expect(e.url).to_be("/api/v1/lapor/open311/v2")
    expect(e.formats).to_equal({ "text/xml", "application/json" })
    expect(e.type).to_be("production")
    expect(j.json.changeset:match("^%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d%+07:00$")).to_be_truthy()
    expect(j.json.key_service).to_contain("kunci API")
    local x = xml_of(get(BASE .. "discovery.xml"))
    expect(x.tag).to_be("discovery")
    expect(tags(x)).to_equal({ "changeset", "contact", "key_service", "endpoints" })
    local ep = one(one(x, "endpoints"), "endpoint")
    expect(val(ep, "url")).to_be("/api/v1/lapor/open311/v2")
    local formats = {}
    for _, f in ipairs(kids(one(ep, "formats"), "format")) do formats[#formats + 1] = f.text end
    expect(formats).to_equal({ "text/xml", "application/json" })
  end)

  it("lists the same services in XML as in JSON, escaped and decoded back intact", function()
    local j = get(BASE .. "services.json")
    expect(content_type(j)).to_contain("application/json")
    local x = xml_of(get(BASE .. "services.xml"))
    expect(x.tag).to_be("services")
    local services = kids(x, "service")
    expect(#services).to_be(#j.json)
    local tree
    for _, s in ipairs(services) do if val(s, "service_code") == "pohon-tumbang" then tree = s end end
    expect(val(tree, "service_name")).to_be("Pohon tumbang & <ranting> / Fallen trees & \"branches\"")
    expect(val(tree, "group")).to_be("DLH")
    expect(val(tree, "metadata")).to_be("true")
    expect(val(tree, "type")).to_be("realtime")
    expect(val(tree, "keywords")).to_be("pohon,tumbang,tree")
    local raw = get(BASE .. "services.xml").text
    expect(raw).to_contain("Pohon tumbang &amp; &lt;ranting&gt;")
    expect(raw).to_contain("&quot;branches&quot;")
  end)

  it("writes XML that strips the control characters XML forbids and escapes markup", function()
    local X = require("lib.xml")
    expect(X.escape("a\1b\0c<d>&'\"\tx\n")).to_be("abc&lt;d&gt;&amp;&apos;&quot;\tx\n")
    local doc = parse_xml(X.document("errors", { { code = 400, description = "x\27<y>" } }, { child = { errors = "error" } }))
    expect(val(one(doc, "error"), "description")).to_be("x<y>")
    expect(val(one(doc, "error"), "code")).to_be("400")
  end)

  it("answers 404 for an unknown service in both formats, and refuses other formats", function()
    expect(json_errors(get(BASE .. "services/pizza.json"), 404)).to_contain("unknown service_code 'pizza'")
    expect(xml_errors(get(BASE .. "services/pizza.xml"), 404)).to_contain("service_code 'pizza' tidak dikenal")
    expect(get(BASE .. "services/sampah.csv").status).to_be(404)
    expect(get(BASE .. "services.csv").status).to_be(404)
  end)
end)

describe("open311 POST requests", function()
  local form = { ["Content-Type"] = "application/x-www-form-urlencoded" }

  it("refuses a missing or unknown api_key with 403, in both formats, creating nothing", function()
    local before = count("reports")
    local body = "service_code=pohon-tumbang&lat=0.4&long=101.8&description=Pohon+tumbang+di+jalan+lintas+timur+km+5"
    expect(json_errors(post(BASE .. "requests.json", { body = body, headers = form }), 403)).to_contain("api_key")
    expect(xml_errors(post(BASE .. "requests.xml", { body = body, headers = form }), 403)).to_contain("api_key tidak ada atau tidak sah")
    expect(json_errors(post(BASE .. "requests.json", { body = body .. "&api_key=klk_palsu", headers = form }), 403)).to_contain("invalid")
    expect(json_errors(post(BASE .. "requests.json", { body = body, headers = form, query = { api_key = "klk_palsu" } }), 403)).to_contain("invalid")
    -- a signed-in citizen is not an API key either
    expect(post(BASE .. "requests.json", { body = body, headers = form, as = WARGA }).status).to_be(403)
    expect(count("reports")).to_be(before)
  end)

  it("refuses a key without the Open311 scope", function()
    local r = submit(tree_form(), { key = { name = "Hanya baca", scopes = { "open311:read" } } })
    expect(json_errors(r, 403)).to_contain("open311:write")
    expect(xml_errors(submit(tree_form(), { fmt = "xml", key = { name = "Lain", scopes = { "csr:read" } } }), 403)).to_contain("cakupan")
  end)

  it("answers 400 without service_code and 404 for an unknown one, in both formats", function()
    expect(json_errors(submit(tree_form({ service_code = false })), 400)).to_contain("service_code is required")
    expect(xml_errors(submit(tree_form({ service_code = "" }), { fmt = "xml" }), 400)).to_contain("service_code wajib")
    expect(json_errors(submit(tree_form({ service_code = "pizza" })), 404)).to_contain("unknown service_code")
    expect(xml_errors(submit(tree_form({ service_code = "pizza" }), { fmt = "xml" }), 404)).to_contain("tidak dikenal")
  end)

  it("lists every invalid field as its own error, and changes nothing", function()
    local reports, subs = count("reports"), count("open311_submissions")
    local r = submit(tree_form({ lat = "utara", description = "pendek", email = "bukan-email", phone = "telp 0812",
      media_url = "ftp://foto", anonim = "ya", ["attribute[ukuran]"] = "raksasa", ["attribute[warna]"] = "hijau" }))
    local text = json_errors(r, 400)
    expect(#r.json).to_be(8)
    for _, part in ipairs({ "lat/long: both numbers", "description: required", "email: not an e-mail address",
        "phone: digits", "media_url: must be an http(s) address", "anonim: must be true or false",
        "attribute[ukuran] must be one key", "attribute[warna] is not a question" }) do
      expect(text).to_contain(part)
    end
    local x = xml_errors(submit(tree_form({ lat = false, long = false }), { fmt = "xml" }), 400)
    expect(x).to_contain("lokasi wajib: lat dan long, address_string atau address_id")
    expect(json_errors(submit(tree_form({ ["attribute[ukuran]"] = false })), 400)).to_contain("attribute[ukuran] is required")
    expect(json_errors(submit(tree_form({ lat = "0.4", long = false })), 400)).to_contain("lat/long")
    expect(count("reports")).to_be(reports)
    expect(count("open311_submissions")).to_be(subs)
  end)

  it("files a report and answers a token (JSON), keeping the submitter out of every view", function()
    local n0 = #notifications()
    local r = submit(tree_form({ media_url = "https://foto.example.id/pohon.jpg" }))
    expect(r.status).to_be(200)
    expect(#r.json).to_be(1)
    local answer = r.json[1]
    expect(answer.token:match("^%x+$")).to_be_truthy()
    expect(#answer.token).to_be(24)
    expect(answer.service_request_id).to_be_nil()         -- not public until verified
    expect(answer.service_notice).to_contain("3 hari kerja")
    expect(answer.account_id).to_be("akun-77")
    local sub = klik.db.find("open311_submissions", { where = { token = answer.token }, limit = 1 }).items[1]
    expect(sub.api_key_id:match("^k_%x+$")).to_be_truthy()
    expect(sub.email).to_be("sari.warga@example.id")
    local rep = klik.db.get("reports", sub.report)
    expect(rep.status).to_be("diajukan")
    expect(rep.source).to_be("open311")
    expect(rep.reporter_id).to_be("open311:" .. sub.api_key_id)
    expect(rep.reporter_name).to_be("Sari Lestari")
    expect(rep.latitude).to_be(0.4012)
    expect(rep.attributes).to_equal({ ukuran = "besar", dampak = { "jalan", "listrik" } })
    expect(klik.sla.status("lapor-" .. rep.id, "verifikasi").state).to_be("running")
    expect(#notifications()).to_be(n0)                     -- nobody in Klik to tell
    -- the verifier sees the report and the reporter's name (not anonim), but no contact data
    local staff = get("/staff/reports/" .. rep.id, { as = TRIAGE })
    expect(staff.json.report.source).to_be("open311")
    expect(staff.text:find("sari.warga", 1, true)).to_be_nil()
    expect(staff.text:find("0812", 1, true)).to_be_nil()
  end)

  it("answers in XML and accepts address_string or address_id instead of coordinates", function()
    local x = xml_of(submit(tree_form({ lat = false, long = false, address_string = "Jl. Lintas Timur km 5, Pangkalan Kerinci" }), { fmt = "xml" }))
    expect(x.tag).to_be("service_requests")
    local req = kids(x, "request")
    expect(#req).to_be(1)
    expect(#val(req[1], "token")).to_be(24)
    expect(one(req[1], "service_request_id")).to_be_nil()
    expect(val(req[1], "service_notice")).to_contain("verified within 3 working days")
    local r = submit(tree_form({ lat = false, long = false, address_id = "PLW-0042" }))
    expect(r.status).to_be(200)
  end)
end)

describe("open311 tokens", function()
  it("answers 404 for an unknown token in both formats", function()
    expect(json_errors(get(BASE .. "tokens/0000000000000000deadbeef.json"), 404)).to_contain("token not found")
    expect(xml_errors(get(BASE .. "tokens/0000000000000000deadbeef.xml"), 404)).to_contain("token tidak ditemukan")
  end)

  it("gives the service_request_id once the report is verified, never for rahasia", function()
    local r = submit(tree_form())
    local token = r.json[1].token
    local before = get(BASE .. "tokens/" .. token .. ".json")
    expect(before.status).to_be(200)
    expect(before.json).to_equal({ { token = token } })
    local id = klik.db.find("open311_submissions", { where = { token = token }, limit = 1 }).items[1].report
    expect(post("/reports/" .. id .. "/verify", { as = TRIAGE }).status).to_be(200)
    expect(get(BASE .. "tokens/" .. token .. ".json").json).to_equal({ { token = token, service_request_id = tostring(id) } })
    local x = xml_of(get(BASE .. "tokens/" .. token .. ".xml"))
    expect(x.tag).to_be("service_requests")
    local item = one(x, "request")
    expect(val(item, "service_request_id")).to_be(tostring(id))
    expect(val(item, "token")).to_be(token)
    local secret_id, secret_token = public_request({ rahasia = "true" })
    expect(get(BASE .. "tokens/" .. secret_token .. ".json").json).to_equal({ { token = secret_token } })
    expect(klik.db.get("reports", secret_id).status).to_be("diverifikasi")
  end)
end)

describe("open311 GET requests", function()
  local old_id, plain_id, anonim_id, secret_id, closed_id, pending_id

  it("maps a public request: status, notes, agency, deadlines with offsets, no personal data", function()
    old_id = public_request({ description = "Pohon tumbang lama di Jalan Koridor, sudah tiga hari belum ditangani." })
    clock.set(JUNE_2027)                                     -- 105 days later
    plain_id = public_request({ media_url = "https://foto.example.id/a.jpg" }, true)
    anonim_id = public_request({ anonim = "true", media_url = "https://foto.example.id/saya.jpg" }, true)
    secret_id = public_request({ rahasia = "true" }, true)
    closed_id = public_request({}, true)
    klik.db.update("reports", closed_id, { status = "ditutup", closed_at = klik.time.iso(), closed_by = "pelapor" })
    pending_id = klik.db.find("open311_submissions", { where = { token = submit(tree_form()).json[1].token }, limit = 1 }).items[1].report

    local r = get(BASE .. "requests.json")
    expect(r.status).to_be(200)
    local by = {}
    for _, x in ipairs(r.json) do by[x.service_request_id] = x end
    expect(#r.json).to_be(3)                                 -- plain, anonim, closed: the last 90 days
    local p = by[tostring(plain_id)]
    expect(p.status).to_be("open")
    expect(p.status_notes).to_be("Didisposisikan ke OPD / Assigned to an agency")
    expect(p.service_code).to_be("pohon-tumbang")
    local dlh
    for _, o in ipairs(klik.opd.list()) do if o.code == "DLH" then dlh = o.name.id end end
    expect(p.agency_responsible).to_be(dlh)
    local due = klik.sla.status("lapor-" .. plain_id .. "-2", "tindak_lanjut").due
    expect(p.expected_datetime).to_be(due)
    expect(p.service_notice).to_contain(due)
    expect(p.service_notice).to_contain("Batas waktu tindak lanjut OPD")
    expect(p.requested_datetime).to_be("2027-06-14T09:00:00+07:00")
    expect(p.updated_datetime:match("%+07:00$")).to_be_truthy()
    expect(p.lat).to_be(0.4012)
    expect(p.media_url).to_be("https://foto.example.id/a.jpg")
    expect(by[tostring(anonim_id)].media_url).to_be_nil()
    local c = by[tostring(closed_id)]
    expect(c.status).to_be("closed")
    expect(c.expected_datetime).to_be_nil()
    expect(by[tostring(secret_id)]).to_be_nil()
    expect(by[tostring(pending_id)]).to_be_nil()
    for _, text in ipairs({ r.text, get(BASE .. "requests.xml").text }) do
      for _, personal in ipairs({ "Sari", "Lestari", "sari.warga", "0812", "perangkat-42", "akun-77", "open311:k_", "reporter" }) do
        expect(text:find(personal, 1, true)).to_be_nil()
      end
    end
  end)

  it("answers the same requests in XML, one <request> each with the spec's elements", function()
    local x = xml_of(get(BASE .. "requests.xml"))
    expect(x.tag).to_be("service_requests")
    local items = kids(x, "request")
    expect(#items).to_be(3)
    local p
    for _, it_ in ipairs(items) do if val(it_, "service_request_id") == tostring(plain_id) then p = it_ end end
    expect(tags(p)).to_equal({ "service_request_id", "status", "status_notes", "service_name", "service_code",
      "description", "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
      "expected_datetime", "lat", "long", "media_url" })
    expect(val(p, "status")).to_be("open")
    expect(val(p, "lat")).to_be("0.4012")
    expect(val(p, "service_name")).to_be("Pohon tumbang & <ranting> / Fallen trees & \"branches\"")
  end)

  it("filters by id list (overriding the rest), service, status and dates; empty values are absent", function()
    local ids = table.concat({ old_id, plain_id, secret_id, pending_id }, ",")
    local r = get(BASE .. "requests.json", { query = { service_request_id = ids, status = "bogus", start_date = "kemarin" } })
    expect(r.status).to_be(200)
    local got = {}
    for _, x in ipairs(r.json) do got[#got + 1] = x.service_request_id end
    table.sort(got)
    local want = { tostring(old_id), tostring(plain_id) }
    table.sort(want)
    expect(got).to_equal(want)                               -- never rahasia or unverified; any date
    for _, x in ipairs(get(BASE .. "requests.json", { query = { status = "closed" } }).json) do expect(x.status).to_be("closed") end
    expect(#get(BASE .. "requests.json", { query = { status = "open", service_code = "pohon-tumbang" } }).json).to_be(2)
    expect(#get(BASE .. "requests.json", { query = { service_code = "sampah" } }).json).to_be(0)
    local same = get(BASE .. "requests.json", { query = { status = "", service_code = "", start_date = "", end_date = "", page = "", page_size = "" } })
    expect(#same.json).to_be(3)
    -- March: old_id, the token test's and the app-filed report of the attributes test
    local march = get(BASE .. "requests.json", { query = { start_date = "2027-02-28T00:00:00+07:00", end_date = "2027-03-02" } })
    local march_ids = {}
    for _, x in ipairs(march.json) do
      march_ids[#march_ids + 1] = x.service_request_id
      expect(x.requested_datetime:sub(1, 10)).to_be("2027-03-01")
    end
    expect(#march_ids).to_be(3)
    expect(march_ids).to_contain(tostring(old_id))
    local only_end = get(BASE .. "requests.xml", { query = { end_date = "2027-03-05T00:00:00Z" } })
    expect(#kids(xml_of(only_end), "request")).to_be(3)       -- the 90 days before end_date
    expect(#get(BASE .. "requests.json", { query = { start_date = "2027-03-02" } }).json).to_be(0)  -- 90 days after
  end)

  it("pages with page and page_size", function()
    local first = get(BASE .. "requests.json", { query = { page_size = "2" } })
    local second = get(BASE .. "requests.json", { query = { page_size = "2", page = "2" } })
    expect(#first.json).to_be(2)
    expect(#second.json).to_be(1)
    local seen = {}
    for _, x in ipairs(first.json) do seen[x.service_request_id] = true end
    expect(seen[second.json[1].service_request_id]).to_be_nil()
    expect(#get(BASE .. "requests.json", { query = { page_size = "2", page = "3" } }).json).to_be(0)
    expect(#kids(xml_of(get(BASE .. "requests.xml", { query = { page_size = "1", page = "3" } })), "request")).to_be(1)
  end)

  it("answers 400 for each bad filter, in both formats", function()
    local cases = {
      { { status = "bogus" }, "status must be open or closed" },
      { { start_date = "kemarin" }, "start_date must be an ISO 8601 time" },
      { { end_date = "2027-13-01" }, "end_date must be an ISO 8601 time" },
      { { start_date = "2027-01-01T00:00:00" }, "start_date must be" },          -- no zone
      { { start_date = "2027-01-01", end_date = "2027-06-01" }, "at most 90 days" },
      { { start_date = "2027-06-01", end_date = "2027-05-01" }, "end_date is before start_date" },
      { { page = "0" }, "page must be an integer" },
      { { page_size = "1001" }, "page_size must be an integer from 1 to 1000" },
      { { page_size = "dua" }, "page_size must be" },
      { { service_request_id = "1,dua" }, "comma-separated list of numbers" },
    }
    for _, c in ipairs(cases) do
      expect(json_errors(get(BASE .. "requests.json", { query = c[1] }), 400)).to_contain(c[2])
      expect(xml_errors(get(BASE .. "requests.xml", { query = c[1] }), 400)).to_contain(c[2])
    end
    local two = get(BASE .. "requests.json", { query = { status = "x", page = "-1" } })
    expect(#two.json).to_be(2)                               -- every problem at once
  end)

  it("stops at 1000 requests", function()
    klik.db.transaction(function()
      for i = 1, 1001 do
        klik.db.insert("reports", { kind = "pengaduan", category = "sampah", description = "Sampah menumpuk nomor " .. i,
          address = "Pasar " .. i, anonim = false, rahasia = false, is_public = true, reporter_id = "uji", status = "diverifikasi",
          cycle = 1, seq = 1 })
      end
    end)
    expect(#get(BASE .. "requests.json").json).to_be(1000)
    expect(#get(BASE .. "requests.json", { query = { page_size = "1000", page = "2" } }).json).to_be(4)
  end)
end)

describe("open311 GET requests/{id}", function()
  it("answers a one-element list in both formats", function()
    local id = public_request({}, true)
    local j = get(BASE .. "requests/" .. id .. ".json")
    expect(j.status).to_be(200)
    expect(#j.json).to_be(1)
    expect(j.json[1].service_request_id).to_be(tostring(id))
    expect(j.json[1].status).to_be("open")
    local x = xml_of(get(BASE .. "requests/" .. id .. ".xml"))
    expect(x.tag).to_be("service_requests")
    expect(#kids(x, "request")).to_be(1)
    expect(val(one(x, "request"), "service_request_id")).to_be(tostring(id))
  end)

  it("answers 404 for unknown, unverified, rahasia and malformed ids, in both formats", function()
    local secret_id = public_request({ rahasia = "true" })
    local pending = klik.db.find("open311_submissions", { where = { token = submit(tree_form()).json[1].token }, limit = 1 }).items[1].report
    for _, id in ipairs({ "999999", tostring(secret_id), tostring(pending), "abc", "1.5" }) do
      expect(json_errors(get(BASE .. "requests/" .. id .. ".json"), 404)).to_contain("not found")
      expect(xml_errors(get(BASE .. "requests/" .. id .. ".xml"), 404)).to_contain("tidak ditemukan")
    end
  end)
end)

---------------------------------------------------------------------------------------------
-- GeoReport v2.1 media: one image in a multipart POST, stored with its metadata stripped

local function submit_media(files, fmt, extra)
  local fields = tree_form(extra)
  fields["attribute[dampak][]"] = "jalan"
  fields.api_key = api_key(KEY)
  return post(BASE .. "requests." .. (fmt or "json"), { multipart = { fields = fields, files = files } })
end

local function media(kind, field)
  local types = { jpeg = "image/jpeg", png = "image/png", webp = "image/webp", html = "image/jpeg" }
  return { field = field or "media", filename = "foto." .. (kind == "html" and "jpg" or kind), content_type = types[kind],
           data = test_image(kind) }
end

describe("open311 POST requests with media (v2.1)", function()
  it("files the photo with the report; media_url serves it without GPS or Exif", function()
    local files_before = count("photos")
    local r = submit_media({ media("jpeg") })
    expect(r.status).to_be(200)
    local sub = klik.db.find("open311_submissions", { where = { token = r.json[1].token }, limit = 1 }).items[1]
    local photos = klik.db.find("photos", { where = { report = sub.report }, order = "id" }).items
    expect(#photos).to_be(1)
    expect(photos[1].kind).to_be("laporan")
    expect(photos[1].type).to_be("image/jpeg")
    expect(count("photos")).to_be(files_before + 1)
    expect(post("/reports/" .. sub.report .. "/verify", { as = TRIAGE }).status).to_be(200)
    local url = get(BASE .. "requests/" .. sub.report .. ".json").json[1].media_url
    expect(url).to_be("/api/v1/lapor/public/reports/" .. sub.report .. "/photos/" .. photos[1].id)
    local x = xml_of(get(BASE .. "requests/" .. sub.report .. ".xml"))
    expect(val(one(x, "request"), "media_url")).to_be(url)
    local served = get(url:sub(#"/api/v1/lapor" + 1))
    expect(served.status).to_be(200)
    expect(served.headers["content-type"]).to_be("image/jpeg")
    local info = inspect_image(served.body)
    expect(info.type).to_be("jpeg")
    expect(info.gps).to_be(false)
    expect(info.exif).to_be(false)
  end)

  it("refuses a file that is not an image, two files or another field, in the spec's format, storing nothing", function()
    local reports, photos = count("reports"), count("photos")
    expect(json_errors(submit_media({ media("html") }), 415)).to_contain("media")
    expect(xml_errors(submit_media({ media("html") }, "xml"), 415)).to_contain("media")
    expect(json_errors(submit_media({ media("jpeg"), media("png") }), 400)).to_contain("at most one file")
    expect(json_errors(submit_media({ media("jpeg", "photo") }), 400)).to_contain("use media")
    -- a valid photo with an invalid report: the report's problems, and the photo is not kept
    expect(json_errors(submit_media({ media("png") }, "json", { description = "pendek" }), 400)).to_contain("description")
    expect(count("reports")).to_be(reports)
    expect(count("photos")).to_be(photos)
  end)

  it("takes the api_key from the multipart form and refuses a missing one", function()
    local fields = tree_form()
    fields["attribute[dampak][]"] = "jalan"
    local r = post(BASE .. "requests.json", { multipart = { fields = fields, files = { media("png") } } })
    expect(json_errors(r, 403)).to_contain("api_key")
  end)
end)
