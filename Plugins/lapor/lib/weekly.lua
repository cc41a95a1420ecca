-- The weekly report for the regent's Monday review (klik.schedule "monday 07:00" WIB): per OPD,
-- open reports by colour, agency deadlines missed in the week, follow-ups made late in the week,
-- and the oldest open reports. The pimpinan receive every agency, each kepala OPD their own.
-- One report per week: the `weekly_reports` record (unique week) is written in the same
-- transaction as the notifications, so a second run for the same week sends nothing.
local K = require("lib.lights")
local S = require("lib.scorecard")
local T = require("lib.wib")

local W = {}

W.SPEC = "monday 07:00"

-- The figures of one agency for the week [from, to) (ISO texts).
function W.summary(opd, from, to, oldest_n)
  local open = S.open_by_colour(opd)
  local row = {
    opd = opd, red = open.red, yellow = open.yellow, green = open.green,
    breaches = klik.db.count("clock_events", { where = { opd = opd, kind = "breach", at = { gte = from, lt = to } } }),
    met_late = klik.db.count("reports", { where = { opd = opd, followup_met_late = true,
      followed_up_at = { gte = from, lt = to } } }),
    oldest = {},
  }
  local page = klik.db.find("reports", { where = { opd = opd, colour = { ["in"] = K.COLOURS } }, order = "created_at", limit = oldest_n })
  for _, r in ipairs(page.items) do
    row.oldest[#row.oldest + 1] = { id = r.id, category = r.category, colour = r.colour, status = r.status, created_at = r.created_at }
  end
  row.oldest = klik.json.array(row.oldest)
  return row
end

local function quiet(row) return row.red + row.yellow + row.green + row.breaches + row.met_late == 0 end

local function line(row, lang)
  local o = row.oldest[1]
  if lang == "id" then
    return string.format("%s: merah %d, kuning %d, hijau %d; lewat tenggat pekan ini %d; tindak lanjut terlambat %d%s",
      row.opd, row.red, row.yellow, row.green, row.breaches, row.met_late, o and ("; tertua #" .. o.id .. " (" .. T.date_of(o.created_at) .. ")") or "")
  end
  return string.format("%s: red %d, yellow %d, green %d; deadlines missed this week %d; followed up late %d%s",
    row.opd, row.red, row.yellow, row.green, row.breaches, row.met_late, o and ("; oldest #" .. o.id .. " (" .. T.date_of(o.created_at) .. ")") or "")
end

-- Lines joined up to ~3500 characters (a notification body holds 4000), then "+N OPD".
local function body(rows, lang, intro)
  local out, size = { intro }, #intro
  for i, row in ipairs(rows) do
    local l = line(row, lang)
    if size + #l > 3500 then
      out[#out + 1] = (lang == "id" and "… dan " or "… and ") .. (#rows - i + 1) .. " OPD"
      break
    end
    out[#out + 1] = l
    size = size + #l + 1
  end
  return table.concat(out, "\n")
end

local function send(fn, target, msg)
  local ok, e = pcall(fn, target, msg)
  if not ok then klik.log.warn("weekly report not delivered", { error = tostring(e) }) end
  return ok
end

-- The scheduled handler: `job.run_at` is the planned Monday 07:00; the week is the 7 days before it.
function W.run(job)
  local at = (job and job.run_at) or math.floor(klik.time.now())
  local week = T.date(at)
  local from, to = klik.time.iso(at - 7 * T.DAY), klik.time.iso(at)
  klik.db.transaction(function()
    if klik.db.count("weekly_reports", { where = { week = week } }) > 0 then return end -- already sent
    local oldest_n = klik.settings.get("weekly_oldest")
    local rows, active = {}, {}
    for _, o in ipairs(klik.opd.list()) do
      local row = W.summary(o.code, from, to, oldest_n)
      rows[#rows + 1] = row
      if not quiet(row) then active[#active + 1] = row end
    end
    local title = { id = "Laporan mingguan Lapor, pekan s.d. " .. week, en = "Weekly Lapor report, week to " .. week }
    local sent = 0
    if send(klik.notify.role, "pimpinan", { title = title,
        body = { id = body(active, "id", #active == 0 and "Tidak ada laporan terbuka atau tenggat terlewat." or "Per OPD:"),
                 en = body(active, "en", #active == 0 and "No open reports or missed deadlines." or "Per agency:") },
        link = "/lapor/scorecard", data = { week = week, opds = klik.json.array(active) } }) then
      sent = sent + 1
    end
    for _, row in ipairs(rows) do
      for _, head in ipairs(klik.users.find({ role = "kepala_opd", opd = row.opd, limit = 50 })) do
        if not head.disabled and send(klik.notify.user, head.id, { title = title,
            body = { id = line(row, "id"), en = line(row, "en") },
            link = "/lapor/queue", data = { week = week, opd = row.opd, summary = row } }) then
          sent = sent + 1
        end
      end
    end
    klik.db.insert("weekly_reports", { week = week, summary = klik.json.array(rows), notifications = sent })
    klik.log.info("weekly report sent", { week = week, notifications = sent })
  end)
end

return W
