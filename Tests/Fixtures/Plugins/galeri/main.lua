-- Test fixture: stores uploads with klik.files and serves them back.
local M = {}

function M.echo(req)
  return { json = { body = req.body, files = req.files } }
end

function M.upload(req)
  local stored = {}
  for _, f in ipairs(req.files or {}) do
    local file, problem = klik.files.store(f, { types = req.body.types and { req.body.types } or nil })
    if not file then return { status = problem.status, json = { error = problem } } end
    stored[#stored + 1] = file
  end
  return { status = 201, json = { files = klik.json.array(stored), usage = klik.files.usage() } }
end

function M.upload_rolled_back(req)
  local ok = pcall(klik.db.transaction, function()
    klik.files.store(req.files[1])
    error("changed my mind")
  end)
  return { json = { rolled_back = not ok } }
end

function M.serve(req)
  if req.query.public == "1" then return { file = req.params.id, headers = { ["Cache-Control"] = "public, max-age=86400" } } end
  return { file = req.params.id }
end

function M.info(req)
  local f = klik.files.info(req.params.id)
  if not f then return { status = 404, json = { error = "none" } } end
  return { json = f }
end

function M.remove(req)
  return { json = { deleted = klik.files.delete(req.params.id) } }
end

return M
