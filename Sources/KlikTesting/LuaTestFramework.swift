/// The Lua side of `klik plugin test`: `describe`/`it`/`before_each`, `expect(...)` matchers that
/// say what differed, and helpers to call the plugin's own routes and move the fake clock.
enum LuaTestFramework {
    static let source = #"""
local host = __klik_test
__klik_test = nil
local tests, stack, befores = {}, {}, {}
local concat, sort, pack = table.concat, table.sort, table.pack

local function show(v, depth)
  depth = depth or 0
  if type(v) == "string" then return string.format("%q", v) end
  if type(v) ~= "table" then return tostring(v) end
  if depth > 3 then return "{...}" end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for _, k in ipairs(keys) do
    local key = type(k) == "string" and k or "[" .. tostring(k) .. "]"
    parts[#parts + 1] = key .. " = " .. show(v[k], depth + 1)
  end
  return "{" .. concat(parts, ", ") .. "}"
end

local function equal(a, b)
  if a == b then return true end
  if type(a) ~= "table" or type(b) ~= "table" then return false end
  for k, v in pairs(a) do if not equal(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end

function describe(name, fn)
  stack[#stack + 1] = name
  local saved = #befores
  fn()
  for i = #befores, saved + 1, -1 do befores[i] = nil end
  stack[#stack] = nil
end

function before_each(fn) befores[#befores + 1] = fn end

function it(name, fn)
  local path = {}
  for i, s in ipairs(stack) do path[i] = s end
  path[#path + 1] = name
  local setup = {}
  for i, b in ipairs(befores) do setup[i] = b end
  tests[#tests + 1] = { name = concat(path, " › "), fn = fn, setup = setup }
end

local function check(ok, message) if not ok then error(message, 3) end end

function expect(actual)
  local m = {}
  function m.to_be(expected) check(actual == expected, "expected " .. show(expected) .. ", got " .. show(actual)) end
  function m.to_equal(expected) check(equal(actual, expected), "expected " .. show(expected) .. ",\n        got " .. show(actual)) end
  function m.not_to_be(expected) check(actual ~= expected, "expected anything but " .. show(expected)) end
  function m.to_be_truthy() check(actual, "expected a truthy value, got " .. show(actual)) end
  function m.to_be_nil() check(actual == nil, "expected nil, got " .. show(actual)) end
  function m.to_be_greater_than(n) check(type(actual) == "number" and actual > n, "expected more than " .. show(n) .. ", got " .. show(actual)) end
  function m.to_have_length(n) check(#actual == n, "expected length " .. n .. ", got " .. #actual .. " in " .. show(actual)) end
  function m.to_contain(x)
    if type(actual) == "string" then
      check(actual:find(x, 1, true) ~= nil, "expected " .. show(actual) .. " to contain " .. show(x))
    else
      local found = false
      for _, v in pairs(actual) do if equal(v, x) then found = true end end
      check(found, "expected " .. show(actual) .. " to contain " .. show(x))
    end
  end
  function m.to_fail(pattern)
    local ok, err = pcall(actual)
    check(not ok, "expected the function to fail, but it returned")
    if pattern then check(tostring(err):find(pattern, 1, true), "expected the error to contain " .. show(pattern) .. ", got " .. show(err)) end
  end
  return m
end

--- Calls the plugin's own route, e.g. request("GET", "/numbers", {query = {category = "darurat"}}).
--- As a signed-in caller: request("GET", "/inbox", {as = {roles = {"petugas"}, opds = {"DPUPR"}}}).
function request(method, path, opts) return host.request(method, path, opts or {}) end
function get(path, opts) return request("GET", path, opts) end
function post(path, opts) return request("POST", path, opts) end
function put(path, opts) return request("PUT", path, opts) end
function delete(path, opts) return request("DELETE", path, opts) end
--- A kernel API key for an integration, e.g. api_key{scopes = {"open311:write"}}: send it as an
--- `api_key` query/form field or an X-API-Key header. One key per name and scope list.
function api_key(spec) return host.api_key(spec or {}) end
--- Test images with metadata to strip: test_image("jpeg" | "png" | "webp") (GPS in Exif, XMP,
--- comments/text chunks), test_image("html") (HTML to send as a ".jpg").
function test_image(kind) return host.image(kind) end
--- What an image holds: {type, parts = {"APP0", "DQT", ...}, exif, gps, xmp, text, size, webp_flags}.
function inspect_image(bytes) return host.inspect(bytes) end
clock = { advance = host.advance, now = host.now, set = host.set }
--- Runs the SLA engine and due scheduled jobs once, as the kernel's timer thread does every second.
timers = { tick = host.tick }
--- Lines the plugin logged so far (strings).
function logs() return host.logs() end
--- Notifications the plugin sent so far, oldest first: {id, to, title, body, link, data, recipients}.
function notifications() return host.notifications() end

function __klik_test_count() return #tests end
function __klik_test_run(i)
  local t = tests[i]
  for _, b in ipairs(t.setup) do
    local ok, err = pcall(b)
    if not ok then return { name = t.name, ok = false, message = "before_each: " .. tostring(err) } end
  end
  local ok, err = pcall(t.fn)
  return { name = t.name, ok = ok, message = ok and "" or tostring(err) }
end
"""#
}
