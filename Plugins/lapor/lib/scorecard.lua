-- The executive scorecard per OPD, with reads bounded by the number of agencies, not reports:
-- clock counts from klik.sla.counts, open reports by colour from indexed counts on the stored
-- light, the median follow-up time by bisection over indexed counts of `followup_seconds`, and
-- the oldest open reports from one short indexed page.
local K = require("lib.lights")
local L = require("lib.labels")

local S = {}

local RESOLUTION_POLICIES = { "penyelesaian_7", "penyelesaian_14", "penyelesaian_30", "penyelesaian_60" }

local function empty_counts() return { total = 0, green = 0, yellow = 0, red = 0, met_late = 0, open = 0 } end

local function add_counts(into, g)
  for _, k in ipairs({ "total", "green", "yellow", "red", "met_late", "open" }) do into[k] = into[k] + (g[k] or 0) end
end

local function measured(opd, range)
  return klik.db.count("reports", { where = { opd = opd, followup_seconds = range } })
end

local function edge(opd, order)
  local page = klik.db.find("reports", { where = { opd = opd, followup_seconds = { gte = 0 } }, order = order, limit = 1 })
  return page.items[1] and page.items[1].followup_seconds
end

-- The k-th smallest follow-up time (1-based) of an agency: halve the value window [lo, hi]
-- while counting only inside it, so the whole search reads index entries, never records.
local function kth(opd, k, lo, hi)
  local below = 0 -- measured values smaller than lo
  while lo < hi do
    local mid = (lo + hi) // 2
    local c = measured(opd, { gte = lo, lte = mid })
    if below + c >= k then hi = mid else below, lo = below + c, mid + 1 end
  end
  return lo
end

-- Median working seconds from assignment to the first follow-up, and how many were measured.
function S.median_followup(opd)
  local n = measured(opd, { gte = 0 })
  if n == 0 then return nil, 0 end
  local lo, hi = edge(opd, "followup_seconds"), edge(opd, "-followup_seconds")
  local k = (n + 1) // 2
  local a = kth(opd, k, lo, hi)
  if n % 2 == 1 then return a, n end
  local b = a
  if measured(opd, { gte = lo, lte = a }) < k + 1 then
    b = klik.db.find("reports", { where = { opd = opd, followup_seconds = { gt = a } },
      order = "followup_seconds", limit = 1 }).items[1].followup_seconds
  end
  return (a + b) / 2, n
end

-- Open reports of an agency by stored colour.
function S.open_by_colour(opd)
  local out = {}
  for _, c in ipairs(K.COLOURS) do out[c] = klik.db.count("reports", { where = { opd = opd, colour = c } }) end
  return out
end

-- The `n` oldest open reports of an agency — ids, category, status, light; never reporter data.
function S.oldest_open(opd, n)
  local out = {}
  local page = klik.db.find("reports", { where = { opd = opd, colour = { ["in"] = K.COLOURS } },
    order = "created_at", limit = n })
  for _, r in ipairs(page.items) do
    local light = K.view(r, L.colours)
    out[#out + 1] = { id = r.id, category = r.category, status = r.status, status_label = L.statuses[r.status],
      created_at = r.created_at, assigned_at = r.assigned_at, lampu = light.colour, due = light.due }
  end
  return klik.json.array(out)
end

local function rate(part)
  -- missed = breached while open (red) or completed after the due time (met late)
  if part.total == 0 then return 0 end
  return math.floor((part.red + part.met_late) / part.total * 1000 + 0.5) / 1000
end

function S.handler(req)
  local per = {}
  local function row(code)
    if not per[code] then per[code] = { opd = code, tindak_lanjut = empty_counts(), penyelesaian = empty_counts() } end
    return per[code]
  end
  for _, g in ipairs(klik.sla.counts({ by = "opd", policy = "tindak_lanjut" })) do
    if g.key and g.key ~= "" then add_counts(row(g.key).tindak_lanjut, g) end
  end
  for _, policy in ipairs(RESOLUTION_POLICIES) do
    for _, g in ipairs(klik.sla.counts({ by = "opd", policy = policy })) do
      if g.key and g.key ~= "" then add_counts(row(g.key).penyelesaian, g) end
    end
  end
  local oldest_n = klik.settings.get("scorecard_oldest")
  local out = {}
  for code, s in pairs(per) do
    s.tindak_lanjut.breach_rate = rate(s.tindak_lanjut)
    s.penyelesaian.breach_rate = rate(s.penyelesaian)
    local m, n = S.median_followup(code)
    s.median_followup_seconds = m
    s.median_followup_working_days = m and math.floor(m / 86400 * 10 + 0.5) / 10 or nil
    s.followups_measured = n
    s.open_by_colour = S.open_by_colour(code)
    s.oldest_open = S.oldest_open(code, oldest_n)
    out[#out + 1] = s
  end
  table.sort(out, function(a, b) return a.opd < b.opd end)
  return { json = { generated_at = klik.time.iso(), items = klik.json.array(out) } }
end

return S
