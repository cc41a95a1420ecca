-- Waiting for the reporter: the assigned agency asks for information, its clocks pause (paused
-- time does not count) and the report shows `menunggu_pelapor`; the reporter's answer resumes
-- them and restores the previous status. Unanswered for 10 working days (clock
-- `tunggu_pelapor`, no OPD so nobody else is told), the report closes automatically.
local L = require("lib.labels")
local err = L.err

local W = {}

local POLICY = "tunggu_pelapor"

-- The agency's clocks and the reporter's confirmation clock of the current assignment.
local function paused_policies(H, r) return { "tindak_lanjut", H.resolution_policy(r), "konfirmasi" } end

local function text_field(b, field, min, max)
  local t = type(b[field]) == "string" and b[field]:gsub("^%s+", ""):gsub("%s+$", "") or nil
  local n = t and utf8.len(t)
  if not n or n < min or n > max then return nil end
  return t
end

-- POST /reports/{id}/request-info {question}
function W.request_handler(H)
  return function(req)
    local question = text_field(H.body_of(req), "question", 10, 2000)
    if not question then
      return H.invalid({ { field = "question", message = "question wajib, 10–2000 karakter / question is required, 10–2000 characters" } })
    end
    return klik.db.transaction(function()
      local r = H.report_of(req)
      if not r or not H.staff_may_see(req.user, r) then return L.not_found() end
      if not H.officer_of(req, r) then
        return err(403, "forbidden", "Hanya petugas OPD yang ditugasi", "Only officers of the assigned agency")
      end
      if r.status ~= "didisposisikan" and r.status ~= "ditindaklanjuti" then
        return H.wrong_state(r, "informasi hanya dapat diminta saat laporan ditangani OPD",
          "information can only be requested while the agency handles the report")
      end
      local subject = H.cycle_subject(r)
      for _, policy in ipairs(paused_policies(H, r)) do
        local s = klik.sla.status(subject, policy)
        if s and s.state == "running" then klik.sla.pause(subject, policy) end
      end
      if klik.sla.status(subject, POLICY) then klik.sla.restart(subject, POLICY) else klik.sla.start(POLICY, subject) end
      local from = r.status
      r = klik.db.update("reports", r.id, { status = "menunggu_pelapor", waiting_from = from })
      H.record(r, "informasi_diminta", from, "menunggu_pelapor", H.actor_of(req, "petugas", r.opd), { note = question })
      H.tell_reporter(r, H.status_message(r,
        r.opd .. " meminta informasi: " .. H.short(question) .. " Jawab dalam 10 hari kerja, atau laporan ditutup otomatis.",
        r.opd .. " asks for information: " .. H.short(question) .. " Answer within 10 working days, or the report closes automatically."))
      return { json = { report = H.staff_view(r, false) } }
    end)
  end
end

-- POST /reports/{id}/answer {text} — the reporter
function W.answer_handler(H)
  return function(req)
    local text = text_field(H.body_of(req), "text", 5, 4000)
    if not text then
      return H.invalid({ { field = "text", message = "text wajib, 5–4000 karakter / text is required, 5–4000 characters" } })
    end
    return klik.db.transaction(function()
      local r = H.report_of(req)
      if not r or r.reporter_id ~= req.user.id then return L.not_found() end
      if r.status ~= "menunggu_pelapor" then
        return H.wrong_state(r, "tidak ada permintaan informasi yang menunggu jawaban", "no request for information awaits an answer")
      end
      local subject = H.cycle_subject(r)
      H.complete_if_running(subject, POLICY)
      for _, policy in ipairs(paused_policies(H, r)) do
        local s = klik.sla.status(subject, policy)
        if s and s.state == "paused" then klik.sla.resume(subject, policy) end
      end
      local back = (r.waiting_from and r.waiting_from ~= "") and r.waiting_from or "didisposisikan"
      r = klik.db.update("reports", r.id, { status = back, waiting_from = "" })
      H.record(r, "dijawab_pelapor", "menunggu_pelapor", back, H.actor_of(req, "pelapor"), { note = text })
      -- no reporter data and not the answer itself: staff read it in the report's history
      H.tell_opd(r, r.opd, { id = "Laporan #" .. r.id .. ": pelapor menjawab", en = "Report #" .. r.id .. ": the reporter answered" },
        { id = "Informasi yang diminta sudah diberikan; tenggat OPD berjalan kembali.",
          en = "The requested information was given; the agency's deadlines run again." })
      return { json = { report = H.reporter_view(r, true) } }
    end)
  end
end

-- The `tunggu_pelapor` clock breached: close the report (idempotent per event).
function W.on_breach(event, H)
  if event.policy ~= POLICY then return end
  local id, seq = tostring(event.subject):match("^lapor%-(%d+)%-(%d+)$")
  if not id then return end
  klik.db.transaction(function()
    if klik.db.count("history", { where = { event_id = event.id } }) > 0 then return end
    local r = klik.db.get("reports", tonumber(id))
    if not r or r.seq ~= tonumber(seq) or r.status ~= "menunggu_pelapor" then return end
    local s = klik.sla.status(event.subject, POLICY)
    if not s or s.cycle ~= event.cycle or s.state ~= "running" then return end
    klik.sla.complete(event.subject, POLICY)
    -- nobody missed a deadline: the agency waited for an answer that never came
    for _, policy in ipairs(paused_policies(H, r)) do H.cancel_if_running(event.subject, policy) end
    r = H.close(r, "otomatis", "ditutup_tanpa_jawaban", { role = "sistem" }, { event_id = event.id })
    H.tell_reporter(r, H.status_message(r,
      "Ditutup otomatis karena permintaan informasi tidak dijawab dalam 10 hari kerja.",
      "Closed automatically: the request for information was not answered within 10 working days."))
  end)
end

return W
