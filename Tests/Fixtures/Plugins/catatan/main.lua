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

--- Busy until the kernel clock has moved ?seconds (default 0.3) past the start, then answers:
--- holds a request in flight without needing any other request (in tests with the fake clock,
--- the test moves the clock; in a real server, real time passes). Within the 1 s budget.
function M.wait_for_time(req)
  local deadline = klik.time.now() + (tonumber(req.query.seconds) or 0.3)
  while klik.time.now() < deadline do end
  return { json = { version = VERSION } }
end

function M.boom(_)
  local secret = "should-not-leak"
  error("kaboom with " .. secret)
end

return M
