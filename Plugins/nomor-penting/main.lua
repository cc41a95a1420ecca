-- nomor-penting: emergency and public-service numbers, listed and searched by category and
-- kecamatan. Numbers with an empty kecamatan serve the whole regency.
local M = {}

local CATEGORIES = {
  { id = "darurat", name = { id = "Darurat", en = "Emergency" } },
  { id = "keamanan", name = { id = "Keamanan", en = "Security" } },
  { id = "pemadam", name = { id = "Pemadam Kebakaran", en = "Fire brigade" } },
  { id = "kesehatan", name = { id = "Kesehatan", en = "Health" } },
  { id = "bencana", name = { id = "Bencana dan SAR", en = "Disaster and rescue" } },
  { id = "perlindungan", name = { id = "Perlindungan", en = "Protection" } },
  { id = "utilitas", name = { id = "Listrik, Air dan BBM", en = "Power, water and fuel" } },
  { id = "layanan-publik", name = { id = "Layanan Publik", en = "Public services" } },
}

local KNOWN = {}
for _, c in ipairs(CATEGORIES) do KNOWN[c.id] = c end

local function bad_request(message)
  return { status = 400, json = { error = { code = "invalid_query", message = message } } }
end

--- Lower-cases ASCII letters so search ignores case.
local function lower(s) return (s or ""):lower() end

function M.list_categories(_)
  return { json = { categories = CATEGORIES } }
end

--- GET /numbers?category=&kecamatan=&q=&after=
function M.list_numbers(req)
  local q = req.query
  local where = {}
  if q.category and q.category ~= "" then
    if not KNOWN[q.category] then
      return bad_request("kategori tidak dikenal / unknown category '" .. q.category .. "'")
    end
    where.category = q.category
  end
  if q.kecamatan and q.kecamatan ~= "" then
    -- Regency-wide numbers (no kecamatan) are useful in every kecamatan.
    where.kecamatan = { ["in"] = { "", q.kecamatan } }
  end
  local search = q.q and q.q ~= "" and lower(q.q) or nil
  if search and #search > 100 then return bad_request("pencarian terlalu panjang / search text too long") end

  local page_size = klik.settings.get("page_size")
  if not search then
    local page = klik.db.find("numbers", { where = where, order = "name", limit = page_size, after = q.after })
    return { json = { items = page.items, next = page.next } }
  end
  -- Text search: scan the filtered list (a regency has hundreds of numbers, not millions).
  local items, after = {}, nil
  repeat
    local page = klik.db.find("numbers", { where = where, order = "name", limit = 500, after = after })
    for _, n in ipairs(page.items) do
      if lower(n.name):find(search, 1, true) or lower(n.description_id):find(search, 1, true)
        or lower(n.description_en):find(search, 1, true) or (n.phone or ""):find(search, 1, true) then
        items[#items + 1] = n
        if #items >= page_size then break end
      end
    end
    after = page.next
  until not after or #items >= page_size
  return { json = { items = items } }
end

function M.get_number(req)
  local id = math.tointeger(tonumber(req.params.id))
  local number = id and klik.db.get("numbers", id)
  if not number then
    return { status = 404, json = { error = { code = "not_found", message = "Nomor tidak ditemukan / number not found" } } }
  end
  return { json = number }
end

return M
