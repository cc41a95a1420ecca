-- klik.db semantics, run through `klik plugin test` by the Swift test suite.
local function seed(n)
  for i = 1, n do
    klik.db.insert("reports", { title = "r" .. string.format("%03d", i), kecamatan = (i % 2 == 0) and "Bunut" or "Kuala Kampar",
      priority = i % 5, score = i / 2, urgent = i % 3 == 0, extra = { tags = { "a", "b" }, n = i } })
  end
end

describe("klik.db", function()
  it("inserts and gets a record with every field type", function()
    local r = klik.db.insert("reports", { title = "jalan", priority = 3, score = 1.5, urgent = true,
      extra = { nested = { x = 1 } }, notes = "panjang" })
    expect(type(r.id)).to_be("number")
    expect(r.created_at).to_be(r.updated_at)
    local g = klik.db.get("reports", r.id)
    expect(g.title).to_be("jalan")
    expect(g.urgent).to_be(true)
    expect(g.score).to_be(1.5)
    expect(g.extra.nested.x).to_be(1)
    expect(g.kecamatan).to_be_nil()
    expect(g.id).to_be(r.id)
    expect(g.priority).to_be(3)
    expect(g.notes).to_be("panjang")
    expect(g.created_at).to_be(r.created_at)
  end)

  it("refuses missing required fields, unknown fields and wrong types with the field name", function()
    expect(function() klik.db.insert("reports", { priority = 1 }) end).to_fail("field 'title'")
    expect(function() klik.db.insert("reports", { title = "x", color = "red" }) end).to_fail("unknown field 'color'")
    expect(function() klik.db.insert("reports", { title = "x", priority = "high" }) end).to_fail("must be integer, got string")
    expect(function() klik.db.insert("nope", { title = "x" }) end).to_fail("collection 'nope' is not declared")
  end)

  it("enforces unique indexes", function()
    klik.db.insert("reports", { title = "unik" })
    expect(function() klik.db.insert("reports", { title = "unik" }) end).to_fail("UNIQUE")
  end)

  it("updates partially and deletes", function()
    local r = klik.db.insert("reports", { title = "ubah", priority = 1 })
    clock.advance(60)
    local u = klik.db.update("reports", r.id, { priority = 4 })
    expect(u.priority).to_be(4)
    expect(u.title).to_be("ubah")
    expect(u.updated_at).not_to_be(r.updated_at)
    expect(klik.db.update("reports", 999999, { priority = 1 })).to_be_nil()
    expect(klik.db.delete("reports", r.id)).to_be(true)
    expect(klik.db.delete("reports", r.id)).to_be(false)
    expect(klik.db.get("reports", r.id)).to_be_nil()
  end)

  it("finds with filters on indexed fields only", function()
    seed(40)
    local bunut = klik.db.find("reports", { where = { kecamatan = "Bunut", priority = { gte = 3 } }, limit = 100 })
    for _, r in ipairs(bunut.items) do
      expect(r.kecamatan).to_be("Bunut")
      expect(r.priority >= 3).to_be(true)
    end
    expect(#bunut.items).to_be(klik.db.count("reports", { where = { kecamatan = "Bunut", priority = { gte = 3 } } }))
    local some = klik.db.find("reports", { where = { priority = { ["in"] = { 0, 1 } } }, limit = 500 })
    for _, r in ipairs(some.items) do expect(r.priority <= 1).to_be(true) end
    expect(function() klik.db.find("reports", { where = { score = 1 } }) end).to_fail("not indexed")
    expect(function() klik.db.find("reports", { where = { priority = { near = 1 } } }) end).to_fail("unknown operator 'near'")
    expect(function() klik.db.find("reports", { limit = 100000 }) end).to_fail("limit must be")
    local prefixed = klik.db.find("reports", { where = { title = { prefix = "r00" } } })
    expect(#prefixed.items).to_be(9)
  end)

  it("pages with cursors in both directions without gaps or repeats", function()
    for _, order in ipairs({ "priority", "-priority", "title", "-id", "created_at", "-created_at" }) do
      local seen, after, n = {}, nil, 0
      repeat
        local page = klik.db.find("reports", { order = order, limit = 7, after = after })
        for _, r in ipairs(page.items) do
          expect(seen[r.id]).to_be_nil()
          seen[r.id] = true
          n = n + 1
        end
        after = page.next
      until not after
      expect(n).to_be(klik.db.count("reports"))
    end
    expect(function() klik.db.find("reports", { order = "title", after = "garbage" }) end).to_fail("not a cursor")
  end)

  it("commits a transaction as a whole or not at all", function()
    local before = klik.db.count("reports")
    klik.db.transaction(function()
      klik.db.insert("reports", { title = "tx-1" })
      klik.db.insert("reports", { title = "tx-2" })
    end)
    expect(klik.db.count("reports")).to_be(before + 2)
    local ok = pcall(klik.db.transaction, function()
      klik.db.insert("reports", { title = "tx-3" })
      error("berhenti")
    end)
    expect(ok).to_be(false)
    expect(klik.db.count("reports")).to_be(before + 2)
    expect(klik.db.find("reports", { where = { title = "tx-3" } }).items[1]).to_be_nil()
    expect(function() klik.db.transaction(function() klik.db.transaction(function() end) end) end).to_fail("cannot be nested")
  end)

  it("reads settings with defaults from the manifest", function()
    expect(klik.settings.get("radius_m")).to_be(250)
    expect(klik.settings.all().radius_m).to_be(250)
    expect(function() klik.settings.get("nope") end).to_fail("no setting 'nope'")
  end)

  it("keeps kernel tables read-only", function()
    expect(function() klik.db.insert = nil end).to_fail("read-only")
    expect(function() klik.x = 1 end).to_fail("read-only")
    expect(klik.plugin.id).to_be("dbcheck")
  end)

  it("uses the fake clock for timestamps", function()
    local t0 = klik.time.now()
    clock.advance(3600)
    expect(klik.time.now() - t0 >= 3600).to_be(true)
    expect(klik.time.iso(0)).to_be("1970-01-01T00:00:00.000Z")
  end)
end)
