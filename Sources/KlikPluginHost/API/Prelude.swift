/// Kernel Lua run in every plugin state before the plugin's code: builds the read-only `klik`
/// table from the raw host functions (then hides them and `__klik_json_array`, which becomes
/// `klik.json.array`), adds `klik.db.transaction`, and makes
/// undeclared capabilities fail with a permission error that the kernel audits.
enum Prelude {
    static let source = #"""
local host = __klik_host
__klik_host = nil
local json_array = __klik_json_array   -- marks a table as a JSON array (C, klik_codec.c)
__klik_json_array = nil
local meta = host.meta
local pcall, error, setmetatable, select, type = pcall, error, setmetatable, select, type
local pack, unpack = table.pack, table.unpack

local function readonly(name, t)
  return setmetatable({}, {
    __index = t,
    __newindex = function() error(name .. " is read-only", 2) end,
    __metatable = false,
  })
end

local api = {}

api.log = readonly("klik.log", {
  debug = host.log.debug, info = host.log.info, warn = host.log.warn, error = host.log.error,
})
api.time = readonly("klik.time", { now = host.time.now, iso = host.time.iso, today = host.time.today })
-- klik.json.array(t) returns t marked so that, while empty, it encodes as [] rather than {}.
api.json = readonly("klik.json", { encode = host.json.encode, decode = host.json.decode, array = json_array })
api.settings = readonly("klik.settings", { get = host.settings.get, all = host.settings.all })
api.plugin = readonly("klik.plugin", { id = meta.id, version = meta.version })

if host.db then
  local raw = host.db
  local begin, commit, rollback = raw._begin, raw._commit, raw._rollback
  local db = {
    insert = raw.insert, get = raw.get, update = raw.update, delete = raw.delete,
    find = raw.find, count = raw.count,
  }
  --- Runs fn inside one transaction: all its writes commit together, or none if it fails.
  function db.transaction(fn, ...)
    if type(fn) ~= "function" then error("klik.db.transaction expects a function", 2) end
    begin()
    local results = pack(pcall(fn, ...))
    if results[1] then
      commit()
      return unpack(results, 2, results.n)
    end
    rollback()
    error(results[2], 0)
  end
  api.db = readonly("klik.db", db)
end

if host.notify then
  api.notify = readonly("klik.notify", { user = host.notify.user, role = host.notify.role, opd = host.notify.opd })
end

if host.users then
  api.users = readonly("klik.users", { get = host.users.get, find = host.users.find })
  api.opd = readonly("klik.opd", { list = host.users.opd_list })
end

if host.files then
  local f = host.files
  api.files = readonly("klik.files", { store = f.store, info = f.info, delete = f.delete, usage = f.usage })
end

if host.sla then
  local s = host.sla
  api.sla = readonly("klik.sla", {
    start = s.start, pause = s.pause, resume = s.resume, complete = s.complete, cancel = s.cancel,
    restart = s.restart, status = s.status, counts = s.counts,
  })
end

if host.schedule then
  local s = host.schedule
  api.schedule = readonly("klik.schedule", { at = s.at, after = s.after, every = s.every, cancel = s.cancel, list = s.list })
end

-- Capabilities a manifest may declare; reaching for one that was not declared is an error.
local capabilities = {
  db = "storage", notify = "notify", sla = "sla", schedule = "schedule", users = "users:read", opd = "users:read", files = "files",
}
local denied = host.kernel.denied

klik = setmetatable({}, {
  __index = function(_, key)
    local value = api[key]
    if value == nil and capabilities[key] then
      denied(key)
      error("permission '" .. capabilities[key] .. "' is not declared in the manifest of plugin " .. meta.id, 2)
    end
    return value
  end,
  __newindex = function() error("klik is read-only", 2) end,
  __metatable = false,
})
"""#
}
