-- Bilingual labels for every code a user sees (Bahasa Indonesia first, English second).
local L = {}

L.kinds = {
  pengaduan = { id = "Pengaduan", en = "Complaint" },
  aspirasi = { id = "Aspirasi", en = "Suggestion" },
  permintaan_informasi = { id = "Permintaan informasi", en = "Information request" },
}

L.statuses = {
  diajukan = { id = "Diajukan", en = "Submitted" },
  diverifikasi = { id = "Diverifikasi", en = "Verified" },
  ditolak = { id = "Ditolak", en = "Rejected" },
  didisposisikan = { id = "Didisposisikan ke OPD", en = "Assigned to an agency" },
  ditindaklanjuti = { id = "Ditindaklanjuti", en = "Followed up" },
  selesai = { id = "Selesai, menunggu konfirmasi pelapor", en = "Resolved, awaiting the reporter's confirmation" },
  ditutup = { id = "Ditutup", en = "Closed" },
  menunggu_pelapor = { id = "Menunggu informasi pelapor", en = "Waiting for the reporter's information" },
  digabung = { id = "Digabung ke laporan lain (duplikat)", en = "Merged into another report (duplicate)" },
}

L.reject_reasons = {
  bukan_kewenangan = { id = "Bukan kewenangan pemerintah kabupaten", en = "Not within the regency's authority" },
  duplikat = { id = "Duplikat laporan lain", en = "Duplicate of another report" },
  tidak_jelas = { id = "Laporan tidak jelas", en = "Report unclear" },
  spam = { id = "Spam", en = "Spam" },
}

L.actions = {
  diajukan = { id = "Laporan diajukan", en = "Report filed" },
  diverifikasi = { id = "Laporan diverifikasi", en = "Report verified" },
  ditolak = { id = "Laporan ditolak", en = "Report rejected" },
  didisposisikan = { id = "Didisposisikan ke OPD", en = "Assigned to an agency" },
  disposisi_ulang = { id = "Didisposisikan ulang ke OPD lain", en = "Reassigned to another agency" },
  ditindaklanjuti = { id = "Tindak lanjut OPD", en = "Agency follow-up" },
  selesai = { id = "Dinyatakan selesai oleh OPD", en = "Marked resolved by the agency" },
  dikonfirmasi = { id = "Dikonfirmasi selesai oleh pelapor", en = "Confirmed by the reporter" },
  dibuka_kembali = { id = "Dibuka kembali oleh pelapor", en = "Reopened by the reporter" },
  ditutup_otomatis = { id = "Ditutup otomatis: tidak ada tanggapan pelapor dalam 10 hari kerja",
                       en = "Closed automatically: no answer from the reporter within 10 working days" },
  informasi_diminta = { id = "OPD meminta informasi dari pelapor", en = "The agency asked the reporter for information" },
  dijawab_pelapor = { id = "Pelapor memberikan informasi", en = "The reporter answered" },
  ditutup_tanpa_jawaban = { id = "Ditutup otomatis: permintaan informasi tidak dijawab dalam 10 hari kerja",
                            en = "Closed automatically: the request for information was not answered within 10 working days" },
  digabung = { id = "Digabung sebagai duplikat", en = "Merged as a duplicate" },
  duplikat_digabung = { id = "Laporan duplikat digabung ke laporan ini", en = "A duplicate report was merged into this one" },
}

L.colours = {
  green = { id = "Hijau", en = "Green" },
  yellow = { id = "Kuning", en = "Yellow" },
  red = { id = "Merah", en = "Red" },
}

-- A client error: `{status, json = {error = {code, message = "id / en", details}}}`.
function L.err(status, code, id, en, details)
  return { status = status, json = { error = { code = code, message = id .. " / " .. en, details = details } } }
end

-- 400 listing every problem `{field, message = "id / en"}`: the message joins them per language.
function L.invalid(problems)
  local ids, ens = {}, {}
  for _, p in ipairs(problems) do
    local id, en = p.message:match("^(.-) / (.*)$")
    ids[#ids + 1] = id or p.message
    ens[#ens + 1] = en or p.message
  end
  return L.err(400, "invalid", table.concat(ids, "; "), table.concat(ens, "; "), klik.json.array(problems))
end

function L.not_found()
  return L.err(404, "not_found", "Laporan tidak ditemukan", "Report not found")
end

return L
