-- Test fixture: reaches for klik.files and serves a file without declaring the permission.
local M = {}
function M.store(req)
  local ok, err = pcall(function() return klik.files.store(req.files[1]) end)
  return { status = ok and 200 or 403, json = { error = tostring(err), files = #(req.files or {}) } }
end
function M.serve(req) return { file = "f_000000000000000000000000" } end
return M
