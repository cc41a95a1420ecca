-- A small XML writer for Open311 answers: elements and text only (no attributes, no namespaces).
--
-- X.document(root, value, shape) encodes a Lua value the way its JSON twin looks:
--   * a list becomes `<root>` holding one `<child>` per item, the child's tag from shape.child[root];
--   * an object becomes `<root>` holding one element per field, in the order shape.order[root]
--     names (then any other fields, sorted, so nothing is silently dropped);
--   * strings, numbers and booleans become escaped text; a nil field is left out.
local X = {}

local ENTITIES = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&apos;" }

-- Text safe inside an element: the five markup characters escaped, and the control characters
-- XML 1.0 forbids (everything below 0x20 except tab, newline and carriage return) removed.
function X.escape(text)
  text = tostring(text)
  text = text:gsub("[\0-\8\11\12\14-\31]", "")
  return (text:gsub("[&<>\"']", ENTITIES))
end

local function scalar(v)
  if type(v) == "boolean" then return v and "true" or "false" end
  if math.type(v) == "float" and v == math.floor(v) and math.abs(v) < 2 ^ 53 then
    return string.format("%d", v)
  end
  return tostring(v)
end

local function is_list(v)
  if type(v) ~= "table" then return false end
  if next(v) == nil then return true end   -- an empty table is an empty list here
  return v[1] ~= nil
end

local encode

local function fields_of(tag, value, shape)
  local names, seen = {}, {}
  for _, k in ipairs(shape.order[tag] or {}) do names[#names + 1] = k; seen[k] = true end
  local rest = {}
  for k in pairs(value) do if type(k) == "string" and not seen[k] then rest[#rest + 1] = k end end
  table.sort(rest)
  for _, k in ipairs(rest) do names[#names + 1] = k end
  return names
end

encode = function(out, tag, value, shape)
  if value == nil then return end
  if type(value) ~= "table" then
    out[#out + 1] = "<" .. tag .. ">" .. X.escape(scalar(value)) .. "</" .. tag .. ">"
    return
  end
  out[#out + 1] = "<" .. tag .. ">"
  if is_list(value) then
    local child = shape.child[tag] or "item"
    for _, item in ipairs(value) do encode(out, child, item, shape) end
  else
    for _, k in ipairs(fields_of(tag, value, shape)) do encode(out, k, value[k], shape) end
  end
  out[#out + 1] = "</" .. tag .. ">"
end

-- The whole document, with the XML declaration the Open311 specification asks for.
function X.document(root, value, shape)
  shape = shape or {}
  shape.order, shape.child = shape.order or {}, shape.child or {}
  local out = { '<?xml version="1.0" encoding="utf-8"?>' }
  encode(out, root, value, shape)
  return table.concat(out)
end

return X
