-- The officer's queue paged in SQL on the stored light (red, yellow, green; oldest first), and
-- the scorecard's counts and median follow-up time from indexed counts.
local S = require("tests.support")

local REPORTER = { roles = { "warga" }, name = "Pelapor Antrean" }
local DAY = S.DAY

local officer, r1, r2, r3, r4, r5, monday

local function walk(query)
  local ids, after, pages = {}, nil, 0
  repeat
    local q = { limit = "1", after = after }
    for k, v in pairs(query or {}) do q[k] = v end
    local page = get("/queue", { as = officer, query = q })
    expect(page.status).to_be(200)
    for _, item in ipairs(page.json.items) do ids[#ids + 1] = item.id end
    after = page.json.next
    pages = pages + 1
  until not after or pages > 20
  return ids
end

describe("officer's queue", function()
  it("orders by colour, then age, from the stored light kept by the SLA events", function()
    officer = S.agency("DPMD", "ops-dana-desa", 30)
    S.agency("DPMD", "ops-bumdes", 30)
    monday = S.next_monday()
    clock.set(monday)
    r1 = S.assigned(REPORTER, "ops-dana-desa")             -- assigned Monday
    clock.advance(DAY)
    r2 = S.assigned(REPORTER, "ops-dana-desa")             -- Tuesday
    clock.advance(2 * DAY)
    r3 = S.assigned(REPORTER, "ops-dana-desa")             -- Thursday
    clock.advance(DAY)
    r4 = S.assigned(REPORTER, "ops-dana-desa")             -- Friday
    r5 = S.assigned(REPORTER, "ops-bumdes")                -- Friday, another category
    clock.set(monday + 7 * DAY + 60)                       -- next Monday 09:01
    timers.tick(); timers.tick(); timers.tick()
    expect(klik.db.get("reports", r1).colour).to_be("red")      -- 5 working days: breached
    expect(klik.db.get("reports", r2).colour).to_be("yellow")   -- 4 of 5: past 75 %
    expect(klik.db.get("reports", r3).colour).to_be("green")
    expect(klik.db.get("reports", r1).due_at).to_be(monday + 7 * DAY)

    local q = get("/queue", { as = officer })
    expect(q.status).to_be(200)
    expect(S.ids(q.json.items)).to_equal({ r1, r2, r3, r4, r5 })
    expect(q.json.items[1].queue_clock.colour).to_be("red")
    expect(q.json.counts).to_equal({ red = 1, yellow = 1, green = 3 })
    expect(q.json.next).to_be_nil()
  end)

  it("pages with a cursor across colours, each report once", function()
    expect(walk()).to_equal({ r1, r2, r3, r4, r5 })
    expect(walk({ colour = "green" })).to_equal({ r3, r4, r5 })
    expect(walk({ category = "ops-bumdes" })).to_equal({ r5 })
    local two = get("/queue", { as = officer, query = { limit = "2" } })
    expect(S.ids(two.json.items)).to_equal({ r1, r2 })
    expect(two.json.next:sub(1, 6)).to_be("green:")
  end)

  it("refuses bad parameters, naming them", function()
    local function field(q) return get("/queue", { as = officer, query = q }).json.error.details[1].field end
    expect(field({ colour = "purple" })).to_be("colour")
    expect(field({ limit = "0" })).to_be("limit")
    expect(field({ after = "blue:xyz" })).to_be("after")
    expect(field({ after = "red:not-a-cursor" })).to_be("after")
    expect(field({ opd = "DLH" })).to_be("opd")
    expect(get("/queue", { as = S.PIMPINAN }).status).to_be(403)
  end)

  it("drops a report from the queue once resolved", function()
    expect(post("/reports/" .. r5 .. "/followup", { as = officer, json = { text = "Sudah dicek ke lapangan." } }).status).to_be(200)
    expect(post("/reports/" .. r5 .. "/resolve", { as = officer }).status).to_be(200)
    expect(klik.db.get("reports", r5).colour).to_be("")
    expect(walk()).to_equal({ r1, r2, r3, r4 })
  end)
end)

describe("scorecard", function()
  local function row()
    for _, x in ipairs(get("/scorecard", { as = S.PIMPINAN }).json.items) do if x.opd == "DPMD" then return x end end
  end

  it("counts open reports by colour and finds the median follow-up time", function()
    clock.advance(3600 - 60)                               -- Monday 10:00
    for _, id in ipairs({ r1, r2, r3 }) do
      expect(post("/reports/" .. id .. "/followup", { as = officer, json = { text = "Sedang ditangani tim desa." } }).status).to_be(200)
    end
    local s = row()
    -- working time to the follow-up: r5 1 d 1 min, r3 2 d 1 h, r2 4 d 1 h, r1 5 d 1 h (late)
    expect(s.followups_measured).to_be(4)
    expect(s.median_followup_seconds).to_be((2 * DAY + 3600 + 4 * DAY + 3600) / 2)
    expect(s.tindak_lanjut.met_late).to_be(1)
    expect(s.open_by_colour.green + s.open_by_colour.yellow + s.open_by_colour.red).to_be(4)
    expect(S.ids(s.oldest_open)[1]).to_be(r1)
    expect(#s.oldest_open <= 5).to_be(true)
    expect(post("/reports/" .. r4 .. "/followup", { as = officer, json = { text = "Sedang ditangani tim desa." } }).status).to_be(200)
    s = row()
    expect(s.followups_measured).to_be(5)
    expect(s.median_followup_seconds).to_be(2 * DAY + 3600)   -- r4 adds 1 d 1 h: the middle of five is r3
  end)
end)
