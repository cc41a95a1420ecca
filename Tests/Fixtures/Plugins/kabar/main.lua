-- Test fixture: sends notifications through klik.notify from routes.
local M = {}

local function message(b)
  local n = tostring(b.n or "")
  return {
    title = { id = "Laporan " .. n, en = "Report " .. n },
    body = { id = "Laporan Anda diperbarui " .. n, en = "Your report was updated " .. n },
    link = "/lapor/" .. n,
    data = { n = b.n },
  }
end

--- body: { kind = "user"|"role"|"opd", to = ..., n = ..., msg = optional raw message }
function M.send(req)
  local b = req.body
  local ok, result = pcall(klik.notify[b.kind], b.to, b.msg or message(b))
  if not ok then return { status = 422, json = { error = tostring(result) } } end
  return { status = 201, json = result }
end

--- Notifies inside a transaction that fails when b.fail is set.
function M.in_transaction(req)
  local b = req.body
  local ok, err = pcall(klik.db.transaction, function()
    klik.db.insert("log", { text = "sent" })
    klik.notify.user(b.to, message(b))
    if b.fail then error("rolled back on purpose") end
  end)
  return { json = { committed = ok, error = ok and nil or tostring(err) } }
end

return M
