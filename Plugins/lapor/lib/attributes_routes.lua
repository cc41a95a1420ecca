-- Routes for category attributes (extra questions): admins manage them, anyone reads the active
-- ones of a category. Attributes are never deleted (old reports keep their answers): deactivate.
local A = require("lib.attributes")
local L = require("lib.labels")
local err = L.err

local R = {}

local function category(code)
  if type(code) ~= "string" then return nil end
  return klik.db.find("categories", { where = { code = code }, limit = 1 }).items[1]
end

local function no_category() return err(404, "not_found", "Kategori tidak ditemukan", "Category not found") end

local function list_of(items, view)
  local out = {}
  for i, a in ipairs(items) do out[i] = view(a) end
  return klik.json.array(out)
end

-- Checks an attribute definition; `datatype` is the stored one on updates (it cannot change).
local function check(b, problems, partial, datatype)
  local function add(field, id, en) problems[#problems + 1] = { field = field, message = field .. ": " .. id .. " / " .. field .. ": " .. en } end
  local function text(field, max, needed)
    local v = b[field]
    if v == nil and not needed then return end
    if type(v) ~= "string" or v:match("^%s*$") or (utf8.len(v) or max + 1) > max then
      add(field, "wajib teks 1–" .. max .. " karakter", "text of 1–" .. max .. " characters required")
    end
  end
  text("description_id", 300, not partial)
  text("description_en", 300, not partial)
  text("datatype_description_id", 300, b.datatype_description_en ~= nil)
  text("datatype_description_en", 300, b.datatype_description_id ~= nil)
  for _, f in ipairs({ "required", "variable", "active" }) do
    if b[f] ~= nil and type(b[f]) ~= "boolean" then add(f, "harus true atau false", "must be true or false") end
  end
  if b.order ~= nil and (math.type(b.order) ~= "integer" or b.order < 1 or b.order > 1000) then
    add("order", "harus bilangan bulat 1–1000", "must be an integer from 1 to 1000")
  end
  if b.values == nil then
    if not partial and A.LISTS[datatype] then add("values", "wajib untuk daftar nilai", "required for list datatypes") end
    return
  end
  if not A.LISTS[datatype] then
    add("values", "hanya untuk singlevaluelist dan multivaluelist", "only for singlevaluelist and multivaluelist")
    return
  end
  if type(b.values) ~= "table" or #b.values == 0 or #b.values > 100 then
    add("values", "harus daftar 1–100 pilihan {key, name_id, name_en}", "must be a list of 1–100 choices {key, name_id, name_en}")
    return
  end
  local seen = {}
  for i, v in ipairs(b.values) do
    local f = "values[" .. i .. "]"
    if type(v) ~= "table" or type(v.key) ~= "string" or not v.key:match("^[%w_%.%-]+$") or #v.key > 60 or seen[v.key]
        or type(v.name_id) ~= "string" or v.name_id == "" or type(v.name_en) ~= "string" or v.name_en == ""
        or (utf8.len(v.name_id) or 999) > 120 or (utf8.len(v.name_en) or 999) > 120 then
      add(f, "key unik (huruf, angka, _ . -, ≤ 60) dengan name_id dan name_en (≤ 120)",
        "a unique key (letters, digits, _ . -, ≤ 60) with name_id and name_en (≤ 120)")
    else
      seen[v.key] = true
    end
  end
end

local function stored_values(list)
  if list == nil then return nil end
  local out = {}
  for i, v in ipairs(list) do out[i] = { key = v.key, name_id = v.name_id, name_en = v.name_en } end
  return out
end

function R.category_attributes(req)
  local c = category(req.params.code)
  if not c or c.active == false then return no_category() end
  local out = {}
  for _, a in ipairs(A.of(c.code)) do
    if a.variable ~= false then out[#out + 1] = A.view(a) end
  end
  return { json = { category = c.code, items = klik.json.array(out) } }
end

function R.admin_list_attributes(req)
  local c = category(req.params.code)
  if not c then return no_category() end
  return { json = { category = c.code, items = list_of(A.of(c.code, true), A.view) } }
end

function R.admin_create_attribute(req)
  local c = category(req.params.code)
  if not c then return no_category() end
  local b = type(req.body) == "table" and req.body or {}
  local problems = {}
  if type(b.code) ~= "string" or not b.code:match("^[a-z][a-z0-9_%-]*$") or #b.code > 40 then
    problems[#problems + 1] = { field = "code",
      message = "code: huruf kecil, angka, '_' dan '-', 1–40 karakter / code: lower-case letters, digits, '_' and '-', 1–40 characters" }
  elseif A.find(c.code, b.code) then
    return err(409, "exists", "Pertanyaan '" .. b.code .. "' sudah ada", "Attribute '" .. b.code .. "' already exists")
  end
  if not A.DATATYPES[b.datatype] then
    problems[#problems + 1] = { field = "datatype",
      message = "datatype harus string, number, datetime, text, singlevaluelist atau multivaluelist / datatype must be string, number, datetime, text, singlevaluelist or multivaluelist" }
  end
  check(b, problems, false, b.datatype)
  if #problems > 0 then return L.invalid(problems) end
  local last = A.of(c.code, true)
  local a = klik.db.insert("attributes", {
    category = c.code, code = b.code, datatype = b.datatype, required = b.required == true,
    variable = b.variable ~= false, active = b.active ~= false,
    sort_order = b.order or ((#last > 0 and last[#last].sort_order or 0) + 1),
    description_id = b.description_id, description_en = b.description_en,
    datatype_description_id = b.datatype_description_id or "", datatype_description_en = b.datatype_description_en or "",
    values = stored_values(b.values),
  })
  klik.log.info("attribute created", { category = c.code, code = a.code, actor = req.user.id })
  return { status = 201, json = { attribute = A.view(a) } }
end

function R.admin_update_attribute(req)
  local c = category(req.params.code)
  if not c then return no_category() end
  local a = A.find(c.code, req.params.attr)
  if not a then return err(404, "not_found", "Pertanyaan tidak ditemukan", "Attribute not found") end
  local b = type(req.body) == "table" and req.body or {}
  local problems = {}
  for _, f in ipairs({ "code", "datatype" }) do
    if b[f] ~= nil and b[f] ~= a[f] then
      problems[#problems + 1] = { field = f, message = f .. " tidak dapat diubah; buat pertanyaan baru / " .. f .. " cannot change; create a new attribute" }
    end
  end
  check(b, problems, true, a.datatype)
  if #problems > 0 then return L.invalid(problems) end
  local changes = {}
  for _, f in ipairs({ "required", "variable", "active", "description_id", "description_en",
                       "datatype_description_id", "datatype_description_en" }) do
    if b[f] ~= nil then changes[f] = b[f] end
  end
  if b.order ~= nil then changes.sort_order = b.order end
  if b.values ~= nil then changes.values = stored_values(b.values) end
  a = klik.db.update("attributes", a.id, changes)
  klik.log.info("attribute updated", { category = c.code, code = a.code, actor = req.user.id })
  return { json = { attribute = A.view(a) } }
end

return R
