-- The report's traffic light kept on the record (`colour`, `due_at`), so that queues, scorecards
-- and the weekly report count and page in SQL instead of asking the SLA clocks row by row.
-- Recomputed from the clocks after every workflow step (main.lua's `record`) and on every SLA
-- warning or breach event.
local K = {}

K.COLOURS = { "red", "yellow", "green" }
local RANK = { red = 0, yellow = 1, green = 2 }

local H -- helpers from main.lua (subjects, resolution policy), set by lib.ops

function K.use(helpers) H = helpers end

-- The clocks the party that must act next is measured by, per status. Statuses where nobody owes
-- an action (resolved, closed, rejected, merged) have none: their `colour` is "".
local function owed(r)
  local s = r.status
  if s == "diajukan" or s == "diverifikasi" then return { { H.verify_subject(r), "verifikasi" } } end
  if s == "didisposisikan" or s == "ditindaklanjuti" or s == "menunggu_pelapor" then
    local subject = H.cycle_subject(r)
    return { { subject, "tindak_lanjut" }, { subject, H.resolution_policy(r) } }
  end
  return {}
end

-- The worst colour among the owed clocks still running or paused (a paused clock keeps its
-- colour), and the earliest due time among the running ones (0 when none runs).
function K.compute(r)
  local worst, due = nil, 0
  for _, c in ipairs(owed(r)) do
    local s = klik.sla.status(c[1], c[2])
    if s and (s.state == "running" or s.state == "paused") then
      if not worst or RANK[s.colour] < RANK[worst] then worst = s.colour end
      if s.state == "running" and s.due_at and (due == 0 or s.due_at < due) then due = math.floor(s.due_at) end
    end
  end
  return worst or "", due
end

-- Stores the current light on the record, with the `extra` derived fields, when any changed.
function K.refresh(r, extra)
  local colour, due = K.compute(r)
  local changes, changed = { colour = colour, due_at = due }, r.colour ~= colour or r.due_at ~= due
  for k, v in pairs(extra or {}) do
    changes[k] = v
    if r[k] ~= v then changed = true end
  end
  if changed then klik.db.update("reports", r.id, changes) end
  return colour, due
end

-- An SLA warning or breach: refresh the report's stored light; keep breaches of agency clocks
-- (once per event, for the weekly "deadlines missed this week").
function K.on_event(event)
  local id = tostring(event.subject or ""):match("^lapor%-(%d+)")
  if not id then return end
  klik.db.transaction(function()
    local r = klik.db.get("reports", tonumber(id))
    if r then K.refresh(r) end
    if event.kind == "breach" and event.opd and event.opd ~= ""
        and klik.db.count("clock_events", { where = { event_id = event.id } }) == 0 then
      klik.db.insert("clock_events", { event_id = event.id, kind = "breach", policy = event.policy,
        opd = event.opd, report = tonumber(id), at = klik.time.iso(event.at) })
    end
  end)
end

-- The light as shown in queues: colour with its label and the due time (absent while paused).
function K.view(r, labels)
  local colour = r.colour ~= "" and r.colour or "green"
  return { colour = colour, label = labels[colour],
           due = (r.due_at or 0) > 0 and klik.time.iso(r.due_at) or nil }
end

return K
