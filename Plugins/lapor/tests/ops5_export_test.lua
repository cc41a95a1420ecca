-- CSV export: RFC 4180, UTF-8, formula-injection safe, scoped to the caller's agencies, no
-- reporter data for anonim and rahasia reports, filters checked, paged by X-Next-After.
local S = require("tests.support")

local REPORTER = { roles = { "warga" }, name = "Pelapor Ekspor" }
local officer, plain, anonim, rahasia, today

-- A small RFC 4180 reader: rows of cells; fails on a bare quote inside an unquoted cell.
local function parse(text)
  local rows, row, i, n = {}, {}, 1, #text
  while i <= n do
    local cell
    if text:sub(i, i) == '"' then
      local j, parts = i + 1, {}
      while true do
        local q = assert(text:find('"', j, true), "unterminated quote")
        parts[#parts + 1] = text:sub(j, q - 1)
        if text:sub(q + 1, q + 1) == '"' then parts[#parts + 1] = '"'; j = q + 2 else i = q + 1; break end
      end
      cell = table.concat(parts)
    else
      local j = text:find("[,\r]", i) or n + 1
      cell = text:sub(i, j - 1)
      assert(not cell:find('"', 1, true), "quote in an unquoted cell")
      i = j
    end
    row[#row + 1] = cell
    local sep = text:sub(i, i)
    if sep == "," then i = i + 1
    else
      assert(text:sub(i, i + 1) == "\r\n", "rows end with CRLF")
      rows[#rows + 1] = row; row = {}; i = i + 2
    end
  end
  return rows
end

local function by_id(rows)
  local out = {}
  for k = 2, #rows do out[tonumber(rows[k][1])] = rows[k] end
  return out
end

local function column(rows, prefix)
  for k, h in ipairs(rows[1]) do if h:sub(1, #prefix) == prefix then return k end end
end

describe("CSV export", function()
  it("writes RFC 4180 UTF-8 with spreadsheet formulas neutralised", function()
    officer = S.agency("DPMPTSP", "ops-perizinan", 14)
    clock.set(S.next_monday())
    plain = S.assigned(REPORTER, "ops-perizinan", {
      description = '=HYPERLINK("http://contoh.test","klik") izin, "kutip" dan\nbaris baru — ünïcode',
      address = "+62 812 jalan kantor", desa = "@desa", kecamatan = "-Pangkalan Kuras", latitude = -0.5 })
    anonim = S.assigned(REPORTER, "ops-perizinan", { anonim = true })
    rahasia = S.assigned(REPORTER, "ops-perizinan", { rahasia = true })
    today = klik.time.iso(clock.now() + 7 * 3600):sub(1, 10)

    local r = get("/export/reports.csv", { as = officer })
    expect(r.status).to_be(200)
    expect(r.headers["content-type"]).to_be("text/csv; charset=utf-8")
    expect(r.headers["content-disposition"]).to_contain('attachment; filename="lapor-')
    local rows = parse(r.text)
    expect(rows[1][1]).to_be("No / No")
    local row = by_id(rows)[plain]
    expect(#row).to_be(#rows[1])
    local desc = row[column(rows, "Uraian")]
    expect(desc).to_be("'" .. '=HYPERLINK("http://contoh.test","klik") izin, "kutip" dan\nbaris baru — ünïcode')
    expect(row[column(rows, "Alamat")]).to_be("'+62 812 jalan kantor")
    expect(row[column(rows, "Desa")]).to_be("'@desa")
    expect(row[column(rows, "Kecamatan")]).to_be("'-Pangkalan Kuras")
    expect(row[column(rows, "Latitude")]).to_be("-0.5")            -- a number, not text: no prefix
    expect(row[column(rows, "OPD")]).to_be("DPMPTSP")
    expect(row[column(rows, "Nama pelapor")]).to_contain("Pelapor Ekspor")
  end)

  it("leaves reporter columns empty for anonim and rahasia reports", function()
    local rows = parse(get("/export/reports.csv", { as = officer }).text)
    local ids = by_id(rows)
    local name, id = column(rows, "Nama pelapor"), column(rows, "ID pelapor")
    for _, x in ipairs({ anonim, rahasia }) do
      expect(ids[x][name]).to_be("")
      expect(ids[x][id]).to_be("")
    end
    expect(ids[rahasia][column(rows, "Rahasia")]).to_be("1")
    expect(get("/export/reports.csv", { as = officer }).text:find("Pelapor Ekspor", 1, true)).to_be_truthy()
  end)

  it("limits officers to their own agencies; pimpinan and admins export all", function()
    local dlh = { roles = { "petugas" }, opds = { "DLH" } }
    local other = get("/export/reports.csv", { as = dlh })
    expect(other.status).to_be(200)
    local ids = by_id(parse(other.text))
    expect(ids[plain]).to_be_nil()
    expect(ids[rahasia]).to_be_nil()
    local denied = get("/export/reports.csv", { as = dlh, query = { opd = "DPMPTSP" } })
    expect(denied.status).to_be(403)
    expect(denied.json.error.message).to_contain("opd")
    local all = by_id(parse(get("/export/reports.csv", { as = S.PIMPINAN, query = { opd = "DPMPTSP" } }).text))
    expect(all[plain]).to_be_truthy()
    expect(all[rahasia]).to_be_truthy()
    expect(get("/export/reports.csv", { as = { roles = { "warga" }, name = "Pelapor Ekspor" } }).status).to_be(403)
    expect(get("/export/reports.csv").status).to_be(401)
  end)

  it("filters by date range, agency and status, refusing bad values by name", function()
    local function ids(q) return by_id(parse(get("/export/reports.csv", { as = S.ADMIN, query = q }).text)) end
    expect(ids({ opd = "DPMPTSP", from = today, to = today })[plain]).to_be_truthy()
    expect(ids({ opd = "DPMPTSP", to = "2026-01-01" })[plain]).to_be_nil()
    expect(ids({ opd = "DPMPTSP", status = "ditutup" })[plain]).to_be_nil()
    expect(ids({ opd = "DPMPTSP", status = "didisposisikan" })[plain]).to_be_truthy()
    local function field(q) return get("/export/reports.csv", { as = S.ADMIN, query = q }).json.error.details[1].field end
    expect(field({ from = "2027-02-30" })).to_be("from")
    expect(field({ to = "kemarin" })).to_be("to")
    expect(field({ from = "2027-03-10", to = "2027-03-01" })).to_be("to")
    expect(field({ status = "bogus" })).to_be("status")
    expect(field({ after = "nonsense" })).to_be("after")
  end)

  it("pages a large export with X-Next-After, every row once", function()
    klik.db.transaction(function()
      for k = 1, 1100 do
        klik.db.insert("reports", { kind = "pengaduan", category = "ops-perizinan", description = "Laporan massal nomor " .. k,
          anonim = false, rahasia = false, is_public = false, reporter_id = "u_massal", reporter_name = "Massal",
          status = "didisposisikan", opd = "DPMPTSP", cycle = 1, seq = 2 })
      end
    end)
    local seen, pages, after = {}, 0, nil
    repeat
      local r = get("/export/reports.csv", { as = officer, query = { after = after } })
      expect(r.status).to_be(200)
      local rows = parse(r.text)
      expect(#rows - 1 <= 1000).to_be(true)
      for k = 2, #rows do
        local id = tonumber(rows[k][1])
        expect(seen[id]).to_be_nil()
        seen[id] = true
      end
      after = r.headers["x-next-after"]
      pages = pages + 1
    until not after or pages > 5
    local n = 0
    for _ in pairs(seen) do n = n + 1 end
    expect(pages).to_be(2)
    expect(n).to_be(1103)
  end)
end)
