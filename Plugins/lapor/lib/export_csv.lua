-- CSV export of reports for staff: RFC 4180 (CRLF, quoted fields, doubled quotes), UTF-8,
-- safe against formula injection in spreadsheets. Officers export their agencies' reports,
-- admins and pimpinan every agency. Reporter columns stay empty for anonim and rahasia reports.
-- At most `export_max_rows` rows per file; the header `X-Next-After` carries the cursor of the rest.
local L = require("lib.labels")
local T = require("lib.wib")
local err = L.err

local E = {}

-- RFC 4180 cell. Text starting with = + - @ (or a tab / carriage return) gets a leading ' so a
-- spreadsheet shows it as text instead of running it as a formula; numbers are written as numbers.
function E.cell(v)
  if v == nil then return "" end
  local s
  if type(v) == "boolean" then s = v and "1" or "0"
  elseif math.type(v) == "integer" then s = string.format("%d", v)
  elseif type(v) == "number" then s = string.format("%.7f", v):gsub("0+$", ""):gsub("%.$", "")
  else
    s = tostring(v)
    if s:find("^[=+%-@\t\r]") then s = "'" .. s end
  end
  if s:find('[",\r\n]') then s = '"' .. s:gsub('"', '""') .. '"' end
  return s
end

function E.line(values, n)
  local cells = {}
  for i = 1, n or #values do cells[i] = E.cell(values[i]) end
  return table.concat(cells, ",") .. "\r\n"
end

-- Columns: header (id / en) and the value of a report.
local COLUMNS = {
  { "No / No", function(r) return r.id end },
  { "Dibuat / Created", function(r) return r.created_at end },
  { "Jenis / Kind", function(r) return r.kind end },
  { "Kategori / Category", function(r) return r.category end },
  { "OPD / Agency", function(r) return r.opd end },
  { "Status / Status", function(r) return r.status end },
  { "Keterangan status / Status label", function(r) local s = L.statuses[r.status]; return s and (s.id .. " / " .. s.en) end },
  { "Lampu / Light", function(r) return r.colour end },
  { "Batas waktu / Due", function(r) return (r.due_at or 0) > 0 and klik.time.iso(r.due_at) or nil end },
  { "Uraian / Description", function(r) return r.description end },
  { "Kecamatan", function(r) return r.kecamatan end },
  { "Desa", function(r) return r.desa end },
  { "Alamat / Address", function(r) return r.address end },
  { "Latitude", function(r) return r.latitude end },
  { "Longitude", function(r) return r.longitude end },
  { "Ditindaklanjuti / Followed up", function(r) return r.followed_up_at end },
  { "Tindak lanjut terlambat / Follow-up late", function(r) return r.followup_met_late end },
  { "Selesai / Resolved", function(r) return r.resolved_at end },
  { "Ditutup / Closed", function(r) return r.closed_at end },
  { "Ditutup oleh / Closed by", function(r) return r.closed_by end },
  { "Digabung ke / Merged into", function(r) return r.merged_into end },
  { "Anonim", function(r) return r.anonim end },
  { "Rahasia / Confidential", function(r) return r.rahasia end },
  { "ID pelapor / Reporter id", function(r) if not (r.anonim or r.rahasia) then return r.reporter_id end end },
  { "Nama pelapor / Reporter name", function(r) if not (r.anonim or r.rahasia) then return r.reporter_name end end },
}

local function bad(field, id, en) return err(400, "invalid", field .. ": " .. id, field .. ": " .. en, { { field = field } }) end

local function has(list, v) for _, x in ipairs(list or {}) do if x == v then return true end end return false end

-- The query's filters, checked; or nil and a 400/403 naming the field.
local function filters(req, H)
  local q, where = req.query, {}
  local from, to
  if q.from and q.from ~= "" then
    from = T.parse_date(q.from)
    if not from then return nil, bad("from", "tanggal YYYY-MM-DD", "a date YYYY-MM-DD") end
  end
  if q.to and q.to ~= "" then
    to = T.parse_date(q.to)
    if not to then return nil, bad("to", "tanggal YYYY-MM-DD", "a date YYYY-MM-DD") end
  end
  if from and to and to < from then return nil, bad("to", "tidak boleh sebelum from", "must not be before from") end
  if from or to then
    where.created_at = {}
    if from then where.created_at.gte = klik.time.iso(from) end
    if to then where.created_at.lt = klik.time.iso(to + T.DAY) end -- `to` is inclusive (its whole WIB day)
  end
  if q.status and q.status ~= "" then
    if not L.statuses[q.status] then return nil, bad("status", "status tidak dikenal", "unknown status") end
    where.status = q.status
  end
  local everything = H.has_role(req.user, "admin") or H.has_role(req.user, "pimpinan")
  local mine = req.user.opds or {}
  if q.opd and q.opd ~= "" then
    if not everything and not has(mine, q.opd) then
      return nil, err(403, "forbidden", "opd: hanya OPD Anda sendiri", "opd: only your own agencies", { { field = "opd" } })
    end
    where.opd = q.opd
  elseif not everything then
    if #mine == 0 then return nil, err(403, "forbidden", "Anda bukan anggota OPD", "You are not a member of an agency") end
    where.opd = #mine == 1 and mine[1] or { ["in"] = mine }
  end
  return where
end

-- GET /export/reports.csv?from=&to=&opd=&status=&after=
function E.handler(H)
  return function(req)
    local where, problem = filters(req, H)
    if not where then return problem end
    local max = klik.settings.get("export_max_rows")
    local headers = {}
    for i, c in ipairs(COLUMNS) do headers[i] = c[1] end
    local out, rows, after = { E.line(headers) }, 0, req.query.after
    if after == "" then after = nil end
    repeat
      local ok, page = pcall(klik.db.find, "reports", { where = where, order = "created_at",
        limit = math.min(500, max - rows), after = after })
      if not ok then return bad("after", "kursor halaman tidak sah", "invalid page cursor") end
      for _, r in ipairs(page.items) do
        -- rahasia rows only for whoever may open the report itself
        if not r.rahasia or H.staff_may_see(req.user, r) then
          local values = {}
          for i, c in ipairs(COLUMNS) do values[i] = c[2](r) end
          out[#out + 1] = E.line(values, #COLUMNS)
        end
        rows = rows + 1
      end
      after = page.next
    until not after or rows >= max
    local name = "lapor-" .. T.date(klik.time.now()) .. ".csv"
    local h = { ["Content-Type"] = "text/csv; charset=utf-8",
                ["Content-Disposition"] = 'attachment; filename="' .. name .. '"',
                ["Cache-Control"] = "no-store" }
    if after then h["X-Next-After"] = after end
    return { status = 200, text = table.concat(out), headers = h }
  end
end

return E
