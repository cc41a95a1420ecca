-- klik.sla and klik.schedule with the fake clock, run through `klik plugin test`.
local MONDAY_0900 = 1767578400   -- Monday 5 January 2026, 09:00 WIB

local function fired(subject)
  return klik.db.find("fired", { where = { subject = subject }, order = "id", limit = 10 }).items
end

describe("klik.sla", function()
  it("walks a clock through green, yellow and red and fires each handler once", function()
    -- Signing in creates the test accounts: an officer of PUPR and a pimpinan, to be notified.
    get("/status/none", { as = { roles = { "petugas" }, opds = { "PUPR" } } })
    get("/status/none", { as = { roles = { "pimpinan" } } })
    clock.set(MONDAY_0900)
    local s = klik.sla.start("tindak_lanjut", "lapor-1", { opd = "PUPR", category = "jalan" })
    expect(s.colour).to_be("green")
    expect(s.due).to_be("2026-01-12T09:00:00+07:00")
    timers.tick()
    expect(#fired("lapor-1")).to_be(0)

    clock.advance(4 * 86400 - 1)                -- one second before 80 % of five working days
    timers.tick()
    expect(klik.sla.status("lapor-1").colour).to_be("green")
    clock.advance(1)                            -- Friday 09:00: exactly 80 %
    timers.tick()
    timers.tick()
    expect(klik.sla.status("lapor-1").colour).to_be("yellow")
    local f = fired("lapor-1")
    expect(#f).to_be(1)
    expect(f[1].kind).to_be("warning")
    expect(f[1].colour).to_be("yellow")

    clock.advance(3 * 86400)                    -- Monday 12 January 09:00: the weekend did not count
    timers.tick()
    timers.tick()
    local st = klik.sla.status("lapor-1")
    expect(st.colour).to_be("red")
    expect(st.remaining).to_be(0)
    f = fired("lapor-1")
    expect(#f).to_be(2)
    expect(f[2].kind).to_be("breach")

    -- The kernel told people once per transition: the OPD at yellow, the OPD and pimpinan at red.
    local sent = {}
    for _, n in ipairs(notifications()) do
      if n.data and n.data.subject == "lapor-1" then sent[#sent + 1] = n.to .. " " .. n.data.colour end
    end
    expect(sent).to_equal({ "opd:PUPR yellow", "opd:PUPR red", "role:pimpinan red" })

    local done = klik.sla.complete("lapor-1")
    expect(done.state).to_be("completed")
    expect(done.met_late).to_be(true)
    expect(done.colour).to_be("green")
  end)

  it("pauses, resumes, reopens and counts for the scorecard", function()
    clock.set(MONDAY_0900)
    klik.sla.start("verifikasi", 42, { opd = "DLH" })
    clock.advance(86400)
    expect(klik.sla.pause(42).state).to_be("paused")
    clock.advance(7 * 86400)
    local r = klik.sla.resume(42)
    expect(r.elapsed).to_be(86400)
    expect(r.remaining).to_be(2 * 86400)
    klik.sla.complete(42)
    local again = klik.sla.restart(42)
    expect(again.cycle).to_be(2)
    expect(again.state).to_be("running")
    local counts = klik.sla.counts({ by = "opd" })
    local byKey = {}
    for _, g in ipairs(counts) do byKey[g.key] = g end
    expect(byKey.DLH.total).to_be(1)
    expect(byKey.DLH.open).to_be(1)
  end)

  it("refuses unknown policies, bad subjects and double starts", function()
    expect(function() klik.sla.start("tidak_ada", "x") end).to_fail("no policy 'tidak_ada'")
    expect(function() klik.sla.start("verifikasi", {}) end).to_fail("subject")
    klik.sla.start("verifikasi", "dup")
    expect(function() klik.sla.start("verifikasi", "dup") end).to_fail("already exists")
    expect(function() klik.sla.pause("nobody") end).to_fail("no clock")
    expect(klik.sla.status("nobody")).to_be_nil()
  end)

  it("writes inside klik.db.transaction: rolled back with the records, or committed with them", function()
    local ok = pcall(klik.db.transaction, function()
      klik.sla.start("verifikasi", "tx-1")
      error("batal")
    end)
    expect(ok).to_be(false)
    expect(klik.sla.status("tx-1")).to_be_nil()
    klik.db.transaction(function() klik.sla.start("verifikasi", "tx-2") end)
    expect(klik.sla.status("tx-2").state).to_be("running")
    expect(get("/status/tx-2").json.colour).to_be("green")
  end)

  it("is read-only", function()
    expect(function() klik.sla.start = nil end).to_fail("read-only")
  end)
end)

describe("klik.schedule", function()
  it("runs a delayed job once", function()
    local id = klik.schedule.after(60, "record_run", { tag = "once" })
    expect(type(id)).to_be("number")
    timers.tick()
    expect(klik.db.count("job_runs", { where = { tag = "once" } })).to_be(0)
    clock.advance(60)
    timers.tick()
    timers.tick()
    expect(klik.db.count("job_runs", { where = { tag = "once" } })).to_be(1)
  end)

  it("keeps one recurring job per handler and schedule and runs it every Monday 07:00 WIB", function()
    clock.set(MONDAY_0900)
    local a = klik.schedule.every("monday 07:00", "record_run", { tag = "weekly" })
    expect(klik.schedule.every("monday 07:00", "record_run", { tag = "weekly" })).to_be(a)
    local listed
    for _, job in ipairs(klik.schedule.list()) do if job.id == a then listed = job end end
    expect(listed.run_at).to_be(MONDAY_0900 - 2 * 3600 + 7 * 86400)
    clock.advance(7 * 86400)
    timers.tick()
    expect(klik.db.count("job_runs", { where = { tag = "weekly" } })).to_be(1)
    expect(klik.schedule.cancel(a)).to_be(true)
    clock.advance(7 * 86400)
    timers.tick()
    expect(klik.db.count("job_runs", { where = { tag = "weekly" } })).to_be(1)
  end)

  it("refuses malformed schedules", function()
    expect(function() klik.schedule.every("someday 07:00", "record_run") end).to_fail("unknown day")
    expect(function() klik.schedule.after(10, "not a name") end).to_fail("handler")
  end)
end)
