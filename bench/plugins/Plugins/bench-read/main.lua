-- Benchmark plugin: one klik.db read per request.
local M = {}
function M.get_record(req)
  local record = klik.db.get("records", tonumber(req.params.id))
  if not record then return { status = 404, json = { error = { code = "not_found", message = "not found" } } } end
  return { json = record }
end
return M
