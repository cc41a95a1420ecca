-- Waiting for the reporter: the agency's clocks pause while it waits for information, paused
-- time does not count, the answer resumes them; unanswered, the report closes after 10 working days.
local S = require("tests.support")

local REPORTER = { roles = { "warga" }, name = "Pelapor Tunggu" }
local DAY = S.DAY

local officer, id, subject, monday, first_due

describe("waiting for the reporter", function()
  it("pauses the agency's clocks when it asks the reporter for information", function()
    officer = S.agency("DPERKIM", "ops-rumah-tunggu", 30)
    monday = S.next_monday()
    clock.set(monday)                                      -- Monday 09:00 WIB
    id = S.assigned(REPORTER, "ops-rumah-tunggu")
    subject = "lapor-" .. id .. "-2"
    first_due = klik.sla.status(subject, "tindak_lanjut").due_at
    expect(first_due).to_be(monday + 7 * DAY)              -- five working days: next Monday 09:00

    clock.advance(DAY)                                     -- Tuesday 09:00: one working day used
    local short = post("/reports/" .. id .. "/request-info", { as = officer, json = { question = "Foto?" } })
    expect(short.status).to_be(400)
    expect(short.json.error.details[1].field).to_be("question")
    expect(post("/reports/" .. id .. "/request-info", { as = { roles = { "petugas" }, opds = { "DLH" } },
      json = { question = "Di mana persisnya lokasi rumah tersebut?" } }).status).to_be(404)
    local n0 = #notifications()
    local r = post("/reports/" .. id .. "/request-info", { as = officer,
      json = { question = "Di mana persisnya lokasi rumah tersebut? Mohon sertakan patokan." } })
    expect(r.status).to_be(200)
    expect(r.json.report.status).to_be("menunggu_pelapor")
    expect(r.json.report.status_label.en).to_be("Waiting for the reporter's information")
    expect(r.json.report.clocks.tindak_lanjut.state).to_be("paused")
    expect(r.json.report.clocks.penyelesaian.state).to_be("paused")
    local told = S.since(n0)
    expect(#told).to_be(1)
    expect(told[1].to:sub(1, 5)).to_be("user:")
    expect(told[1].body.id).to_contain("patokan")
    -- the officer's queue still shows it, with its status
    local seen
    for _, item in ipairs(get("/queue", { as = officer }).json.items) do if item.id == id then seen = item end end
    expect(seen.status).to_be("menunggu_pelapor")
    expect(seen.queue_clock.due).to_be_nil()               -- no due time while paused
    expect(post("/reports/" .. id .. "/request-info", { as = officer,
      json = { question = "Pertanyaan kedua sebelum dijawab?" } }).status).to_be(409)
    expect(post("/reports/" .. id .. "/followup", { as = officer,
      json = { text = "Tidak bisa ditindaklanjuti sebelum dijawab." } }).status).to_be(409)
  end)

  it("does not count the paused time: no yellow or red while waiting", function()
    clock.set(monday + 7 * DAY)                            -- the original due time has come
    timers.tick(); timers.tick()
    expect(klik.sla.status(subject, "tindak_lanjut").colour).to_be("green")
    expect(klik.db.get("reports", id).colour).to_be("green")
  end)

  it("resumes when the reporter answers; the due time moves by the paused working time", function()
    expect(post("/reports/" .. id .. "/answer", { as = { roles = { "warga" }, name = "Pelapor Lain" },
      json = { text = "Di belakang masjid raya." } }).status).to_be(404)
    expect(post("/reports/" .. id .. "/answer", { as = REPORTER, json = { text = "ok" } }).json.error.details[1].field).to_be("text")
    local n0 = #notifications()
    local r = post("/reports/" .. id .. "/answer", { as = REPORTER, json = { text = "Di belakang masjid raya, rumah cat hijau." } })
    expect(r.status).to_be(200)
    expect(r.json.report.status).to_be("didisposisikan")
    expect(r.json.report.clocks.tindak_lanjut.state).to_be("running")
    -- paused Tuesday 09:00 → Monday 09:00 = four working days; due moves from Monday to Friday
    expect(klik.sla.status(subject, "tindak_lanjut").due_at).to_be(first_due + 4 * DAY)
    local told = S.since(n0)
    expect(#told).to_be(1)
    expect(told[1].to).to_be("opd:DPERKIM")
    expect(klik.json.encode(told[1]):find("masjid", 1, true)).to_be_nil()   -- the answer stays in the history
    expect(post("/reports/" .. id .. "/answer", { as = REPORTER, json = { text = "Jawaban kedua kali." } }).status).to_be(409)

    clock.advance(3 * DAY)                                 -- Thursday 09:00: 1 + 3 working days counted
    timers.tick(); timers.tick()
    expect(klik.sla.status(subject, "tindak_lanjut").colour).to_be("yellow")
    expect(klik.db.get("reports", id).colour).to_be("yellow")
    local f = post("/reports/" .. id .. "/followup", { as = officer, json = { text = "Rumah sudah disurvei, bantuan dijadwalkan." } })
    expect(f.status).to_be(200)
    expect(f.json.report.followup_met_late).to_be(false)
    expect(klik.db.get("reports", id).followup_seconds).to_be(4 * DAY)
  end)

  it("shows the request and the answer in the history; the public sees neither text", function()
    local actions = {}
    for _, h in ipairs(get("/staff/reports/" .. id, { as = S.TRIAGE }).json.report.history) do actions[#actions + 1] = h.action end
    expect(actions).to_equal({ "diajukan", "diverifikasi", "didisposisikan", "informasi_diminta", "dijawab_pelapor", "ditindaklanjuti" })
    local pub = get("/public/reports/" .. id)
    expect(pub.status).to_be(200)
    expect(pub.text:find("patokan", 1, true)).to_be_nil()
    expect(pub.text:find("masjid", 1, true)).to_be_nil()
  end)

  it("closes the report automatically when the reporter does not answer within 10 working days", function()
    clock.set(S.next_monday())
    local other = S.assigned(REPORTER, "ops-rumah-tunggu")
    local sub = "lapor-" .. other .. "-2"
    expect(post("/reports/" .. other .. "/request-info", { as = officer,
      json = { question = "Mohon kirim nomor rumah yang benar." } }).status).to_be(200)
    clock.advance(14 * DAY - 60)                           -- just before 10 working days
    timers.tick()
    expect(klik.db.get("reports", other).status).to_be("menunggu_pelapor")
    local n0 = #notifications()
    clock.advance(60)
    timers.tick(); timers.tick(); timers.tick()
    local r = get("/me/reports/" .. other, { as = REPORTER }).json.report
    expect(r.status).to_be("ditutup")
    expect(r.closed_by).to_be("otomatis")
    expect(r.history[#r.history].action).to_be("ditutup_tanpa_jawaban")
    expect(klik.sla.status(sub, "tindak_lanjut").state).to_be("cancelled")
    local told = S.since(n0, function(n) return n.data and n.data.report == other end)
    expect(#told).to_be(1)
    expect(told[1].body.en).to_contain("not answered")
    expect(post("/reports/" .. other .. "/answer", { as = REPORTER, json = { text = "Terlambat menjawab." } }).status).to_be(409)
  end)
end)
