local M = {}
function M.ping(_) return { json = { pong = true } } end
return M
