-- Run with: klik plugin test nomor-penting
describe("nomor-penting", function()
  it("lists the seeded national numbers sorted by name", function()
    local r = get("/numbers")
    expect(r.status).to_be(200)
    expect(#r.json.items).to_be(10)
    local names = {}
    for i, n in ipairs(r.json.items) do names[i] = n.name end
    local sorted = { table.unpack(names) }
    table.sort(sorted)
    expect(names).to_equal(sorted)
  end)

  it("filters by category", function()
    local r = get("/numbers", { query = { category = "kesehatan" } })
    expect(r.status).to_be(200)
    expect(#r.json.items).to_be(3)
    for _, n in ipairs(r.json.items) do expect(n.category).to_be("kesehatan") end
  end)

  it("refuses an unknown category with a clear message", function()
    local r = get("/numbers", { query = { category = "pizza" } })
    expect(r.status).to_be(400)
    expect(r.json.error.message).to_contain("unknown category 'pizza'")
  end)

  it("shows a kecamatan's own numbers together with regency-wide ones", function()
    klik.db.insert("numbers", { name = "Puskesmas Pangkalan Kerinci", category = "kesehatan",
      kecamatan = "Pangkalan Kerinci", phone = "0761-000000" })
    klik.db.insert("numbers", { name = "Puskesmas Bunut", category = "kesehatan", kecamatan = "Bunut", phone = "0761-111111" })
    local r = get("/numbers", { query = { category = "kesehatan", kecamatan = "Pangkalan Kerinci" } })
    local names = {}
    for _, n in ipairs(r.json.items) do names[#names + 1] = n.name end
    expect(names).to_contain("Puskesmas Pangkalan Kerinci")
    expect(names).to_contain("Ambulans")
    for _, n in ipairs(names) do expect(n).not_to_be("Puskesmas Bunut") end
  end)

  it("searches names and descriptions in both languages, ignoring case", function()
    expect(#get("/numbers", { query = { q = "POLISI" } }).json.items).to_be(1)
    expect(get("/numbers", { query = { q = "fires" } }).json.items[1].phone).to_be("113")
    expect(get("/numbers", { query = { q = "lahan" } }).json.items[1].name).to_be("Pemadam Kebakaran")
  end)

  it("pages with a cursor without losing or repeating numbers", function()
    local seen, after, pages = {}, nil, 0
    repeat
      local r = get("/numbers", { query = { after = after } })
      expect(r.status).to_be(200)
      for _, n in ipairs(r.json.items) do
        expect(seen[n.id]).to_be_nil()
        seen[n.id] = true
      end
      after = r.json.next
      pages = pages + 1
    until not after
    local count = 0
    for _ in pairs(seen) do count = count + 1 end
    expect(count).to_be(klik.db.count("numbers"))
    expect(pages).to_be(1)
  end)

  it("returns one number by id and 404 for an unknown one", function()
    local first = get("/numbers").json.items[1]
    local r = get("/numbers/" .. first.id)
    expect(r.status).to_be(200)
    expect(r.json.phone).to_be(first.phone)
    expect(get("/numbers/99999").status).to_be(404)
    expect(get("/numbers/abc").status).to_be(404)
  end)

  it("lists categories with Indonesian and English names", function()
    local r = get("/categories")
    expect(r.status).to_be(200)
    expect(r.json.categories[1].name.id).to_be("Darurat")
    expect(r.json.categories[1].name.en).to_be("Emergency")
  end)
end)
