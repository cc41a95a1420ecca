-- Open311 answers in the format the path asks for: `….json` (JSON) or `….xml` (text/xml).
-- Lists are JSON arrays at the root; the XML twin wraps them in the spec's plural element.
local X = require("lib.xml")

local F = {}

-- Element order and list items of every Open311 object (GeoReport v2).
local SHAPE = {
  order = {
    service = { "service_code", "service_name", "description", "metadata", "type", "keywords", "group" },
    service_definition = { "service_code", "attributes" },
    attribute = { "variable", "code", "datatype", "required", "datatype_description", "order", "description", "values" },
    value = { "key", "name" },
    request = { "service_request_id", "token", "status", "status_notes", "service_name", "service_code",
                "description", "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url", "account_id" },
    error = { "code", "description" },
    discovery = { "changeset", "contact", "key_service", "endpoints" },
    endpoint = { "specification", "url", "changeset", "type", "formats" },
  },
  child = {
    services = "service", service_requests = "request", errors = "error", attributes = "attribute",
    values = "value", endpoints = "endpoint", formats = "format",
  },
}

F.XML_TYPE = "text/xml; charset=utf-8"

-- "json" or "xml", from the suffix of the route the kernel matched.
function F.format(req)
  return (req.path or ""):match("%.(%a+)$") == "xml" and "xml" or "json"
end

-- `root` names the XML root element (`services`, `service_requests`, `service_definition`, ...).
function F.respond(req, status, root, value)
  if F.format(req) == "xml" then
    return { status = status, text = X.document(root, value, SHAPE), headers = { ["Content-Type"] = F.XML_TYPE } }
  end
  return { status = status, json = value }
end

-- A list of `{code, description}`; `descriptions` is one text or a list of texts ("id / en").
function F.errors(req, status, descriptions)
  if type(descriptions) ~= "table" then descriptions = { descriptions } end
  local list = {}
  for i, d in ipairs(descriptions) do list[i] = { code = status, description = d } end
  return F.respond(req, status, "errors", klik.json.array(list))
end

function F.not_found(req, what_id, what_en)
  return F.errors(req, 404, what_id .. " tidak ditemukan / " .. what_en .. " not found")
end

return F
