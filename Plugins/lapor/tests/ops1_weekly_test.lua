-- The weekly report: scheduled Monday 07:00 WIB, sent once per week to the pimpinan (every
-- agency) and to each kepala OPD (their own agency), Bahasa Indonesia first, no reporter data.
-- (Runs first among the ops files: the test kernel's notifications() lists only the first 200.)
local S = require("tests.support")
local T = require("lib.wib")

local REPORTER = { roles = { "warga" }, name = "Pelapor Mingguan" }
local HEAD_A = { roles = { "kepala_opd" }, opds = { "BAPPEDA" } }
local HEAD_B = { roles = { "kepala_opd" }, opds = { "BAPENDA" } }
local DAY = S.DAY

local function job()
  for _, j in ipairs(klik.schedule.list()) do if j.handler == "weekly_report" then return j end end
end

local function weekly_since(n0)
  return S.since(n0, function(n) return n.title.id:find("Laporan mingguan", 1, true) ~= nil end)
end

describe("weekly report", function()
  it("is one durable job every Monday at 07:00 WIB", function()
    local j = job()
    expect(j.every).to_be("monday 07:00")
    expect(T.weekday(j.run_at)).to_be(1)
    expect((j.run_at + 7 * 3600) % DAY).to_be(7 * 3600)
    local n = 0
    for _, x in ipairs(klik.schedule.list()) do if x.handler == "weekly_report" then n = n + 1 end end
    expect(n).to_be(1)
  end)

  it("fires once on Monday 07:00 WIB: pimpinan get every agency, each head their own", function()
    local officer_a = S.agency("BAPPEDA", "ops-perencanaan", 30)
    S.agency("BAPENDA", "ops-pajak-daerah", 30)
    get("/queue", { as = HEAD_A }); get("/queue", { as = HEAD_B }); get("/scorecard", { as = S.PIMPINAN })
    local mon1 = S.next_monday()
    clock.set(mon1); timers.tick()                         -- runs a missed week first, if any
    local a1 = S.assigned(REPORTER, "ops-perencanaan")
    local a2 = S.assigned(REPORTER, "ops-perencanaan")
    local b1 = S.assigned(REPORTER, "ops-pajak-daerah")
    clock.set(mon1 + 7 * DAY + 60); timers.tick(); timers.tick()   -- all three breach Monday 09:00
    clock.set(mon1 + 7 * DAY + 3600)
    expect(post("/reports/" .. a2 .. "/followup", { as = officer_a, json = { text = "Sudah dibahas di musrenbang." } }).status).to_be(200)

    local run_at = mon1 + 14 * DAY - 2 * 3600               -- Monday 07:00 WIB, two weeks on
    expect(job().run_at).to_be(run_at)
    clock.set(run_at - 60); timers.tick()
    local n0 = #notifications()
    clock.set(run_at); timers.tick(); timers.tick()
    local sent = weekly_since(n0)
    expect(#sent).to_be(3)

    local heads = {}
    for _, who in ipairs({ "BAPPEDA", "BAPENDA" }) do
      heads[who] = "user:" .. klik.users.find({ role = "kepala_opd", opd = who })[1].id
    end
    local by = {}
    for _, n in ipairs(sent) do by[n.to] = n end
    local boss = by["role:pimpinan"]
    expect(boss.title.id).to_contain(T.date(run_at))
    expect(boss.body.id).to_contain("BAPPEDA: merah 1, kuning 0, hijau 1; lewat tenggat pekan ini 2; tindak lanjut terlambat 1; tertua #" .. a1)
    expect(boss.body.en).to_contain("BAPENDA: red 1, yellow 0, green 0; deadlines missed this week 1; followed up late 0; oldest #" .. b1)
    local a = by[heads.BAPPEDA]
    expect(a.data.opd).to_be("BAPPEDA")
    expect(a.data.summary.breaches).to_be(2)
    expect(a.body.id).to_contain("merah 1")
    expect(a.body.id:find("BAPENDA", 1, true)).to_be_nil()
    local b = by[heads.BAPENDA]
    expect(b.data.summary.red).to_be(1)
    expect(b.body.en:find("BAPPEDA", 1, true)).to_be_nil()
    -- no reporter data anywhere
    local text = klik.json.encode(sent)
    expect(text:find("Pelapor Mingguan", 1, true)).to_be_nil()
    expect(text:find("reporter", 1, true)).to_be_nil()

    -- once: not again on later ticks, the same day, or when the week is run a second time
    clock.advance(DAY); timers.tick()
    expect(#weekly_since(n0)).to_be(3)
    require("lib.weekly").run({ run_at = run_at })
    expect(#weekly_since(n0)).to_be(3)
    expect(klik.db.count("weekly_reports", { where = { week = T.date(run_at) } })).to_be(1)
    expect(job().run_at).to_be(run_at + 7 * DAY)
  end)
end)
