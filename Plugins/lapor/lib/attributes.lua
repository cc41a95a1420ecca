-- Category attributes: the extra questions of a category (Open311 service definition
-- "attributes"), and checking a reporter's answers to them. Admin routes: attributes_routes.lua.
local T = require("lib.isotime")

local A = {}

A.DATATYPES = { string = true, number = true, datetime = true, text = true, singlevaluelist = true, multivaluelist = true }
local LISTS = { singlevaluelist = true, multivaluelist = true }
local MAX_CHARS = { string = 300, text = 4000 }

-- Active attributes of a category (or all with `everything`), in their order.
function A.of(category_code, everything)
  local items = klik.db.find("attributes", { where = { category = category_code }, order = "sort_order", limit = 200 }).items
  if everything then return items end
  local out = {}
  for _, a in ipairs(items) do if a.active ~= false then out[#out + 1] = a end end
  return out
end

function A.find(category_code, code)
  return klik.db.find("attributes", { where = { category = category_code, code = code }, limit = 1 }).items[1]
end

local function both(id, en)
  if id == nil or id == "" then return nil end
  return id .. " / " .. en
end

-- The Open311 shape: descriptions and value names as "id / en".
function A.open311_view(a)
  local values
  if LISTS[a.datatype] then
    values = {}
    for i, v in ipairs(a.values or {}) do values[i] = { key = v.key, name = both(v.name_id, v.name_en) } end
    values = klik.json.array(values)
  end
  return { variable = a.variable ~= false, code = a.code, datatype = a.datatype, required = a.required == true,
           datatype_description = both(a.datatype_description_id, a.datatype_description_en),
           order = a.sort_order, description = both(a.description_id, a.description_en), values = values }
end

-- The app's and the admin's shape: texts kept apart by language.
function A.view(a)
  local values
  if LISTS[a.datatype] then
    values = {}
    for i, v in ipairs(a.values or {}) do values[i] = { key = v.key, name = { id = v.name_id, en = v.name_en } } end
    values = klik.json.array(values)
  end
  return { code = a.code, datatype = a.datatype, required = a.required == true, variable = a.variable ~= false,
           order = a.sort_order, active = a.active ~= false,
           description = { id = a.description_id, en = a.description_en },
           datatype_description = a.datatype_description_id and a.datatype_description_id ~= ""
             and { id = a.datatype_description_id, en = a.datatype_description_en } or nil,
           values = values }
end

---------------------------------------------------------------------------------------------
-- answers

local function text_of(v)
  if type(v) == "number" then return tostring(v) end
  if type(v) ~= "string" then return nil end
  return (v:gsub("^%s+", ""):gsub("%s+$", ""))
end

local function empty(v)
  if v == nil then return true end
  if type(v) == "string" then return text_of(v) == "" end
  if type(v) == "table" then return next(v) == nil end
  return false
end

local function keys_of(a)
  local keys = {}
  for _, v in ipairs(a.values or {}) do keys[v.key] = true end
  return keys
end

-- One answer → its stored value, or nil and a problem text ("id / en").
local function answer(a, v)
  local dt = a.datatype
  if MAX_CHARS[dt] then
    local s = text_of(v)
    local n = s and utf8.len(s)
    if not n or n > MAX_CHARS[dt] then
      return nil, "harus teks, paling panjang " .. MAX_CHARS[dt] .. " karakter / must be text of at most " .. MAX_CHARS[dt] .. " characters"
    end
    return s
  elseif dt == "number" then
    local n = tonumber(type(v) == "string" and text_of(v) or v)
    if not n or n ~= n or n == math.huge or n == -math.huge then return nil, "harus angka / must be a number" end
    return n
  elseif dt == "datetime" then
    local s = text_of(v)
    if not s or not T.parse(s) then
      return nil, "harus waktu ISO 8601 dengan zona, mis. 2026-01-05T09:00:00+07:00 / must be an ISO 8601 time with a zone, e.g. 2026-01-05T09:00:00+07:00"
    end
    return s
  elseif dt == "singlevaluelist" then
    local s = text_of(type(v) == "table" and v[1] or v)
    if type(v) == "table" and #v ~= 1 or not s or not keys_of(a)[s] then
      return nil, "harus satu kunci dari daftar nilai / must be one key of the listed values"
    end
    return s
  else -- multivaluelist: a list, or one text with keys separated by commas
    local list = {}
    for _, item in ipairs(type(v) == "table" and v or { v }) do
      if type(item) == "string" then
        for part in item:gmatch("[^,]+") do list[#list + 1] = part end
      else
        list[#list + 1] = item
      end
    end
    local keys, out, seen = keys_of(a), {}, {}
    for _, item in ipairs(list) do
      local s = text_of(item)
      if not s or not keys[s] then return nil, "berisi kunci yang tidak ada di daftar nilai / holds a key not among the listed values" end
      if not seen[s] then seen[s] = true; out[#out + 1] = s end
    end
    if #out == 0 then return nil, "harus satu kunci atau lebih dari daftar nilai / must be one or more keys of the listed values" end
    return klik.json.array(out)
  end
end

-- Checks `input` ({code = value}) against the category's attributes; appends problems
-- `{field = name(code), message = "id / en"}` and answers the values to store.
function A.check(category_code, input, problems, name)
  input = type(input) == "table" and input or {}
  local out, known = {}, {}
  for _, a in ipairs(A.of(category_code)) do
    if a.variable ~= false then
      known[a.code] = true
      local v = input[a.code]
      if empty(v) then
        if a.required then
          problems[#problems + 1] = { field = name(a.code),
            message = name(a.code) .. " wajib diisi (" .. a.description_id .. ") / " .. name(a.code) .. " is required (" .. a.description_en .. ")" }
        end
      else
        local value, problem = answer(a, v)
        if value == nil then
          local id, en = problem:match("^(.-) / (.*)$")
          problems[#problems + 1] = { field = name(a.code), message = name(a.code) .. " " .. id .. " / " .. name(a.code) .. " " .. en }
        else
          out[a.code] = value
        end
      end
    end
  end
  local unknown = {}
  for code in pairs(input) do
    if not known[code] then unknown[#unknown + 1] = tostring(code) end
  end
  table.sort(unknown)
  for _, code in ipairs(unknown) do
    problems[#problems + 1] = { field = name(code),
      message = name(code) .. " bukan pertanyaan kategori ini / " .. name(code) .. " is not a question of this category" }
  end
  return out
end

-- `attribute[CODE]=v` and `attribute[CODE][]=v` form fields (Open311 POST) → {CODE = value}.
-- A `[]` field becomes a list: the kernel gives repeated `attribute[CODE][]` keys as a list of
-- their values (a single comma-separated value is also accepted).
function A.from_form(body)
  local out = {}
  for k, v in pairs(body or {}) do
    if type(k) == "string" then
      local code, brackets = k:match("^attribute%[([^%]]+)%](%[?%]?)$")
      if code then
        if brackets == "[]" then
          out[code] = type(out[code]) == "table" and out[code] or {}
          if type(v) == "table" then
            for _, item in ipairs(v) do table.insert(out[code], item) end
          else
            table.insert(out[code], v)
          end
        else
          out[code] = v
        end
      end
    end
  end
  return out
end

A.LISTS = LISTS
return A
