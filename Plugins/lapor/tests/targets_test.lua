-- An admin changes a category's resolution target while reports of it are open: clocks already
-- running keep the policy they started with (views, light, resolution still find them); the
-- next assignment uses the new target.
local S = require("tests.support")

local REPORTER = { roles = { "warga" }, name = "Pelapor Target" }
local CATEGORY = "target-jembatan"

describe("changing a category's resolution target", function()
  it("keeps running clocks on the policy they started with and starts new ones on the new target", function()
    clock.set(S.next_monday())
    local officer = S.agency("DTARGET", CATEGORY, 30)
    local old = S.assigned(REPORTER, CATEGORY)
    expect(klik.sla.status("lapor-" .. old .. "-2", "penyelesaian_30").state).to_be("running")

    expect(put("/admin/categories/" .. CATEGORY, { as = S.ADMIN, json = { target_days = 7 } }).status).to_be(200)

    local view = get("/staff/reports/" .. old, { as = officer }).json.report
    expect(view.clocks.penyelesaian.policy).to_be("penyelesaian_30")
    expect(view.clocks.penyelesaian.state).to_be("running")
    expect(post("/reports/" .. old .. "/followup", { as = officer,
      json = { text = "Papan jembatan yang lapuk sudah diganti." } }).status).to_be(200)
    expect(post("/reports/" .. old .. "/resolve", { as = officer, json = { note = "Selesai diperbaiki." } }).status).to_be(200)
    expect(klik.sla.status("lapor-" .. old .. "-2", "penyelesaian_30").state).to_be("completed")

    local new = S.assigned(REPORTER, CATEGORY)
    expect(get("/staff/reports/" .. new, { as = officer }).json.report.clocks.penyelesaian.policy).to_be("penyelesaian_7")
  end)
end)
