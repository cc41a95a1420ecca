-- The officer's queue: their agencies' open reports, red first, then yellow, then green, oldest
-- first within a colour; optional filters `colour`, `category`, `opd`; paged in SQL on the index
-- (opd, colour[, category], created_at). The cursor is "<colour>:<page cursor of that colour>".
local K = require("lib.lights")
local L = require("lib.labels")
local err = L.err

local Q = {}

local function index_of(list, v)
  for i, x in ipairs(list) do if x == v then return i end end
end

local function bad(field, id, en)
  return err(400, "invalid", field .. ": " .. id, field .. ": " .. en, { { field = field } })
end

-- Which agencies' queues the caller asks for: all of theirs, or one of them (`opd`).
local function scope(req)
  local opds = req.user.opds or {}
  local want = req.query.opd
  if want and want ~= "" then
    if not index_of(opds, want) then return nil, bad("opd", "bukan OPD Anda", "not one of your agencies") end
    return { want }
  end
  return opds
end

function Q.handler(H)
  return function(req)
    local q = req.query
    local opds, problem = scope(req)
    if not opds then return problem end
    if #opds == 0 then return { json = { items = klik.json.array({}), counts = { red = 0, yellow = 0, green = 0 } } } end
    local colours = K.COLOURS
    if q.colour and q.colour ~= "" then
      if not index_of(K.COLOURS, q.colour) then return bad("colour", "harus red, yellow atau green", "must be red, yellow or green") end
      colours = { q.colour }
    end
    local limit = klik.settings.get("queue_page_size")
    if q.limit and q.limit ~= "" then
      limit = tonumber(q.limit)
      if not limit or limit ~= math.floor(limit) or limit < 1 or limit > 100 then
        return bad("limit", "bilangan bulat 1–100", "an integer from 1 to 100")
      end
    end
    local base = { opd = #opds == 1 and opds[1] or { ["in"] = opds } }
    if q.category and q.category ~= "" then base.category = q.category end

    local start, inner = 1, nil
    if q.after and q.after ~= "" then
      local c, rest = q.after:match("^(%a+):(.*)$")
      start = c and index_of(colours, c)
      if not start then return bad("after", "kursor halaman tidak sah", "invalid page cursor") end
      if rest ~= "" then inner = rest end
    end

    local function where(colour)
      local w = { colour = colour }
      for k, v in pairs(base) do w[k] = v end
      return w
    end

    local items, next_cursor, list = {}, nil, {}
    for i = start, #colours do
      local ok, page = pcall(klik.db.find, "reports", { where = where(colours[i]), order = "created_at",
        limit = limit - #items, after = i == start and inner or nil })
      if not ok then return bad("after", "kursor halaman tidak sah", "invalid page cursor") end
      for _, r in ipairs(page.items) do
        local v = H.staff_view(r, false, list)
        v.queue_clock = K.view(r, L.colours)
        items[#items + 1] = v
      end
      if #items >= limit then
        if page.next then
          next_cursor = colours[i] .. ":" .. page.next
        else
          for j = i + 1, #colours do
            if klik.db.count("reports", { where = where(colours[j]) }) > 0 then next_cursor = colours[j] .. ":"; break end
          end
        end
        break
      end
    end
    local counts = {}
    for _, c in ipairs(K.COLOURS) do counts[c] = klik.db.count("reports", { where = where(c) }) end
    return { json = { items = klik.json.array(items), next = next_cursor, counts = counts } }
  end
end

return Q
