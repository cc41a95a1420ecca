-- The operational parts of lapor, wired into main.lua's handler table in one place: duplicates
-- and merging, waiting for the reporter, the stored light behind the queue and the scorecard,
-- CSV export and the weekly report. `H` holds main.lua's helpers (views, history, clocks).
local K = require("lib.lights")

local Ops = {}

-- Called by main.lua's `record` after every workflow step: keep the stored light current, and
-- `followup_seconds` (working seconds to the first follow-up, -1 until then) for the median.
function Ops.after_record(r)
  local measured = (r.followed_up_at or "") ~= "" and math.floor(r.followup_elapsed or 0) or -1
  K.refresh(r, { followup_seconds = measured })
end

function Ops.install(M, H)
  K.use(H)
  local D = require("lib.duplicates")
  local W = require("lib.waiting")
  M.queue = require("lib.queue").handler(H)
  M.scorecard = require("lib.scorecard").handler
  M.nearby_duplicates = D.preview_handler(H)
  M.report_duplicates = D.staff_handler(H)
  M.merge_report = require("lib.merge").handler(H)
  M.request_info = W.request_handler(H)
  M.answer_info = W.answer_handler(H)
  M.export_reports = require("lib.export_csv").handler(H)
  M.weekly_report = require("lib.weekly").run

  -- SLA events: refresh the stored light (and log breaches) before the workflow reacts.
  local breach = M.on_sla_breach
  M.on_sla_warning = K.on_event
  M.on_sla_breach = function(event)
    K.on_event(event)
    W.on_breach(event, H)
    if breach then breach(event) end
  end

  -- Filing answers with suggested duplicates (public reports of the category nearby).
  local file = M.file_report
  M.file_report = function(req)
    local res = file(req)
    if res.status == 201 and res.json and res.json.report then
      local r = res.json.report
      res.json.suggested_duplicates = D.suggest(r.category, r.location.latitude, r.location.longitude, r.id, H.short)
    end
    return res
  end

  -- Durable, idempotent: the same handler and spec name one job across loads and restarts.
  if klik.schedule then klik.schedule.every(require("lib.weekly").SPEC, "weekly_report") end
end

return Ops
