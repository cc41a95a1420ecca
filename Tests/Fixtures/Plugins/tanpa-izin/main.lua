-- Test fixture: reaches for klik.notify without declaring the permission.
local M = {}
function M.send(req)
  local ok, err = pcall(function()
    return klik.notify.user(req.body.to, { title = { id = "x", en = "x" }, body = { id = "x", en = "x" } })
  end)
  return { status = ok and 200 or 403, json = { error = tostring(err) } }
end
return M
