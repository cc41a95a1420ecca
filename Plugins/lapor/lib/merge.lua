-- Merging a report into another as a duplicate: the duplicate becomes `digabung` with
-- `merged_into`, its clocks stop (verification completed, the agency's clocks cancelled: the work
-- goes on in the other report), the other report counts it (`duplicate_count`, history), and the
-- duplicate's reporter is told where to follow the problem.
local L = require("lib.labels")
local err = L.err

local G = {}

local FINISHED = { ditutup = true, ditolak = true, digabung = true }

local function refuse(status, code, id, en) return err(status, code, id, en) end

-- Who may merge: the triage (admins, triage OPD) anything; an agency's officers only between
-- two reports both assigned to one of their agencies.
local function allowed(req, H, r, t)
  if H.is_triage(req.user) then return true, "verifikator" end
  return H.officer_of(req, r) and H.officer_of(req, t) and r.opd == t.opd, "petugas"
end

local function stop_clocks(H, r)
  H.complete_if_running(H.verify_subject(r), "verifikasi")
  if r.opd and r.opd ~= "" then
    local subject = H.cycle_subject(r)
    for _, policy in ipairs({ "tindak_lanjut", H.resolution_policy(r), "konfirmasi", "tunggu_pelapor" }) do
      H.cancel_if_running(subject, policy)
    end
  end
end

-- POST /reports/{id}/merge {into, note}
function G.handler(H)
  return function(req)
    local b = H.body_of(req)
    local into = b.into
    if type(into) == "string" then into = tonumber(into) end
    if type(into) ~= "number" or into ~= math.floor(into) or into < 1 then
      return H.invalid({ { field = "into", message = "into wajib: nomor laporan tujuan / into is required: the id of the report to merge into" } })
    end
    if b.note ~= nil and (type(b.note) ~= "string" or (utf8.len(b.note) or 5000) > 2000) then
      return H.invalid({ { field = "note", message = "note harus teks ≤ 2000 karakter / note must be text of at most 2000 characters" } })
    end
    return klik.db.transaction(function()
      local r = H.report_of(req)
      if not r or not H.staff_may_see(req.user, r) then return L.not_found() end
      if into == r.id then
        return H.invalid({ { field = "into", message = "Laporan tidak dapat digabung ke dirinya sendiri / a report cannot be merged into itself" } })
      end
      local t = klik.db.get("reports", into)
      if not t or not H.staff_may_see(req.user, t) then
        return err(404, "not_found", "into: laporan tujuan tidak ditemukan", "into: the report to merge into was not found")
      end
      local ok, role = allowed(req, H, r, t)
      if not ok then
        return refuse(403, "forbidden", "Hanya admin, petugas verifikasi, atau petugas OPD yang menangani kedua laporan",
          "Only admins, triage officers, or officers of the agency handling both reports")
      end
      if FINISHED[r.status] then
        return refuse(409, "invalid_state", "Laporan berstatus '" .. r.status .. "' tidak dapat digabung",
          "A report that is '" .. r.status .. "' cannot be merged")
      end
      if FINISHED[t.status] then
        return refuse(409, "invalid_target", "into: laporan tujuan berstatus '" .. t.status .. "' (ditutup, ditolak atau digabung)",
          "into: the report to merge into is '" .. t.status .. "' (closed, rejected or merged)")
      end
      if r.category ~= t.category then
        return refuse(409, "category_mismatch", "into: kategori berbeda; duplikat harus satu kategori",
          "into: different category; duplicates share a category")
      end
      if (r.duplicate_count or 0) > 0 then
        return refuse(409, "has_duplicates", "Laporan ini sudah menjadi induk duplikat lain; gabungkan laporan lain ke laporan ini",
          "Other reports were merged into this one; merge the other report into this one instead")
      end
      stop_clocks(H, r)
      local from = r.status
      local note = H.trim(b.note)
      r = klik.db.update("reports", r.id, { status = "digabung", merged_into = t.id,
        closed_at = klik.time.iso(), closed_by = "digabung" })
      local actor = H.actor_of(req, role, role == "petugas" and r.opd or nil)
      H.record(r, "digabung", from, "digabung", actor, { note = note })
      t = klik.db.update("reports", t.id, { duplicate_count = (t.duplicate_count or 0) + 1 })
      H.record(t, "duplikat_digabung", t.status, t.status, actor, { note = "#" .. r.id })
      H.tell_reporter(r, H.status_message(r,
        "Laporan Anda membahas masalah yang sama dengan laporan #" .. t.id .. " dan digabung ke sana; penanganan dilanjutkan di laporan itu.",
        "Your report describes the same problem as report #" .. t.id .. " and was merged into it; it is handled there."))
      return { json = { report = H.staff_view(r, false), merged_into = H.staff_view(t, false) } }
    end)
  end
end

return G
