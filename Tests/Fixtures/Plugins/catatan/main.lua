-- Test fixture: notes written through klik.db, a version marker, a slow handler and a failing one.
local M = {}
local VERSION = "v1"

function M.create(req)
  local note = klik.db.insert("notes", { text = req.body.text })
  return { status = 201, json = note }
end

function M.list(_)
  return { json = { count = klik.db.count("notes") } }
end

function M.version(_) return { json = { version = VERSION } } end

--- Busy for ?n loop iterations (default 10 million: a few hundred milliseconds), then answers.
function M.slow(req)
  local n = math.tointeger(tonumber(req.query.n)) or 10000000
  local x = 0
  for i = 1, n do x = x + i end
  return { json = { version = VERSION, sum = x } }
end

--- Waits (within the 1 s budget) until a note exists: lets a test hold a request in flight.
function M.wait_for_note(_)
  while klik.db.count("notes") == 0 do end
  return { json = { version = VERSION } }
end

function M.boom(_)
  local secret = "should-not-leak"
  error("kaboom with " .. secret)
end

return M
