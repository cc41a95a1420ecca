-- Records SLA transitions and scheduled runs so its tests can count them.
local M = {}

function M.on_sla_warning(event)
  klik.db.insert("fired", { kind = event.kind, subject = event.subject, event_id = event.id, colour = event.colour })
end

function M.on_sla_breach(event)
  klik.db.insert("fired", { kind = event.kind, subject = event.subject, event_id = event.id, colour = event.colour })
end

function M.record_run(job)
  klik.db.insert("job_runs", { tag = job.args.tag })
end

function M.status(req)
  return { status = 200, json = klik.sla.status(req.params.id) or {} }
end

return M
