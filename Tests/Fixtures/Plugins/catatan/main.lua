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

--- Busy for about the number of milliseconds in ?ms (under the 1 s budget), then answers.
function M.slow(req)
  local until_t = klik.time.now() + (tonumber(req.query.ms) or 300) / 1000
  local spins = 0
  while klik.time.now() < until_t do spins = spins + 1 end
  return { json = { version = VERSION, spins = spins } }
end

function M.boom(_)
  local secret = "should-not-leak"
  error("kaboom with " .. secret)
end

return M
