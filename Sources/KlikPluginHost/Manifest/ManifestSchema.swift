import KlikCore

/// The published JSON Schema (draft 2020-12) of manifests; `docs/manifest.schema.json` is a byte-identical copy.
public enum ManifestSchema {
    /// The schema as text, exactly as published in `docs/manifest.schema.json`.
    public static let text: String = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://klik.pelalawankab.go.id/schemas/manifest.schema.json",
  "title": "Klik plugin manifest",
  "description": "Manifests/<id>.json: what a Klik plugin is, needs and provides. Validated before any plugin code runs.",
  "type": "object",
  "required": ["id", "version", "kernel", "name", "description"],
  "additionalProperties": false,
  "properties": {
    "$schema": {
      "description": "Optional link to this schema, for editors.",
      "type": "string"
    },
    "id": {
      "description": "Plugin id: lowercase letters, digits and '-', starting with a letter, 2-41 characters. Equals the manifest file name (without .json) and the folder under Plugins/. Required.",
      "type": "string",
      "pattern": "^[a-z][a-z0-9-]{1,40}$"
    },
    "version": {
      "description": "The plugin's version, semver MAJOR.MINOR.PATCH[-prerelease], e.g. \"1.2.0\". Required.",
      "type": "string",
      "pattern": "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$"
    },
    "kernel": {
      "$ref": "#/$defs/versionRange",
      "description": "Range of kernel plugin-API versions the plugin works with, e.g. \"^1.0\". Required."
    },
    "name": {
      "$ref": "#/$defs/localizedText",
      "description": "Display name in Bahasa Indonesia (id) and English (en). Required."
    },
    "description": {
      "$ref": "#/$defs/localizedText",
      "description": "One or two sentences on what the plugin does, in Bahasa Indonesia (id) and English (en). Required."
    },
    "permissions": {
      "description": "Kernel capabilities the plugin uses; default deny: an undeclared capability is absent from its klik table. Each at most once.",
      "type": "array",
      "default": [],
      "uniqueItems": true,
      "items": {
        "description": "A capability: storage, notify, sla, schedule, users:read or files.",
        "enum": ["storage", "notify", "sla", "schedule", "users:read", "files"]
      }
    },
    "routes": {
      "description": "HTTP routes the plugin serves, mounted under /api/v1/<id>/. Method and path pairs are unique.",
      "type": "array",
      "default": [],
      "items": { "$ref": "#/$defs/route" }
    },
    "menu": {
      "description": "The entry the citizen app shows. Optional; without it the plugin has no menu entry.",
      "type": "object",
      "required": ["title", "icon"],
      "additionalProperties": false,
      "properties": {
        "title": { "$ref": "#/$defs/localizedText", "description": "Menu label in both languages. Required." },
        "icon": {
          "description": "Icon name from the app's icon set, e.g. \"megaphone\". Required.",
          "type": "string",
          "pattern": "^[a-z0-9_-]{1,64}$"
        },
        "order": { "description": "Position in the menu; lower comes first.", "type": "integer", "default": 0 },
        "audience": {
          "description": "Who sees the entry: \"public\", \"user\" (signed in) or a role name.",
          "type": "string",
          "default": "public",
          "enum": ["public", "user", "warga", "petugas", "kepala_opd", "admin", "pimpinan"]
        }
      }
    },
    "settings": {
      "description": "JSON Schema (type object) of the settings admins edit at runtime; every property needs a type, a description and a default. Optional.",
      "type": "object"
    },
    "collections": {
      "description": "The plugin's data; the kernel creates one table per collection, each record with id, created_at and updated_at.",
      "type": "array",
      "default": [],
      "items": { "$ref": "#/$defs/collection" }
    },
    "depends": {
      "description": "Plugins this one needs, from plugin id to version range, e.g. {\"klik-lapor\": \"^1.0\"}; they load first.",
      "type": "object",
      "default": {},
      "additionalProperties": { "$ref": "#/$defs/versionRange" }
    },
    "events": {
      "description": "Events the plugin publishes and listens to.",
      "type": "object",
      "default": {},
      "additionalProperties": false,
      "properties": {
        "emits": { "description": "Event names it publishes.", "type": "array", "default": [], "uniqueItems": true, "items": { "$ref": "#/$defs/eventName" } },
        "subscribes": { "description": "Event names it listens to.", "type": "array", "default": [], "uniqueItems": true, "items": { "$ref": "#/$defs/eventName" } }
      }
    },
    "limits": {
      "description": "Budgets the plugin asks for; may be below, never above, the kernel maxima. Absent values take the kernel defaults.",
      "type": "object",
      "default": {},
      "additionalProperties": false,
      "properties": {
        "cpu_ms": { "description": "CPU time per call in milliseconds, 1-1000.", "type": "integer", "minimum": 1, "maximum": 1000 },
        "memory_mb": { "description": "Lua memory per state in megabytes, 1-256.", "type": "integer", "minimum": 1, "maximum": 256 },
        "file_mb": { "description": "Largest file klik.files.store accepts, in megabytes, 1-25; default 10. Needs the permission files.", "type": "integer", "minimum": 1, "maximum": 25 },
        "files_quota_mb": { "description": "All files of the plugin together, in megabytes, 1-1048576; default 10240 (10 GiB). Needs the permission files.", "type": "integer", "minimum": 1, "maximum": 1048576 }
      }
    },
    "sla": {
      "description": "Named SLA policies: the clocks klik.sla.start may start, from policy name (^[a-z][a-z0-9_]{0,40}$) to policy. Needs the permission sla to be used.",
      "type": "object",
      "default": {},
      "additionalProperties": { "$ref": "#/$defs/slaPolicy" }
    }
  },
  "$defs": {
    "localizedText": {
      "description": "Text in Bahasa Indonesia (id) and English (en).",
      "type": "object",
      "required": ["id", "en"],
      "additionalProperties": false,
      "properties": {
        "id": { "description": "Bahasa Indonesia. Required.", "type": "string", "minLength": 1, "maxLength": 500 },
        "en": { "description": "English. Required.", "type": "string", "minLength": 1, "maxLength": 500 }
      }
    },
    "versionRange": {
      "description": "A version range: \"^1.0\", \"~1.2.3\", \">=1.0 <2.0\", \"1.2.3\", \"1.x\" or \"*\".",
      "type": "string",
      "minLength": 1,
      "maxLength": 256
    },
    "eventName": {
      "description": "An event name: dot-separated lowercase words, e.g. \"lapor.created\".",
      "type": "string",
      "pattern": "^[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)*$",
      "maxLength": 80
    },
    "route": {
      "description": "One HTTP route.",
      "type": "object",
      "required": ["method", "path", "handler"],
      "additionalProperties": false,
      "properties": {
        "method": { "description": "HTTP method, uppercase. Required.", "enum": ["GET", "POST", "PUT", "PATCH", "DELETE"] },
        "path": {
          "description": "Path below /api/v1/<id>, starting with '/'; segments of [A-Za-z0-9._~-] or {param} with param ^[a-z_][a-z0-9_]*$; no '..'. Required.",
          "type": "string",
          "maxLength": 256
        },
        "handler": {
          "description": "Name of the handler function in the table main.lua returns. Required.",
          "type": "string",
          "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
          "maxLength": 64
        },
        "access": {
          "description": "Who may call it: \"public\" (anyone), \"user\" (signed in), \"opd\" (an agency member) or {\"roles\": [...]}.",
          "default": "user",
          "anyOf": [
            { "description": "\"public\", \"user\" or \"opd\"", "type": "string", "enum": ["public", "user", "opd"] },
            {
              "description": "{\"roles\": [...]}",
              "type": "object",
              "required": ["roles"],
              "additionalProperties": false,
              "properties": {
                "roles": {
                  "description": "Roles allowed to call the route; a caller needs at least one.",
                  "type": "array",
                  "minItems": 1,
                  "uniqueItems": true,
                  "items": { "description": "A role name.", "enum": ["warga", "petugas", "kepala_opd", "admin", "pimpinan"] }
                }
              }
            }
          ]
        }
      }
    },
    "collection": {
      "description": "One collection (table) of plugin data.",
      "type": "object",
      "required": ["name", "fields"],
      "additionalProperties": false,
      "properties": {
        "name": { "description": "Collection name, unique in the plugin. Required.", "type": "string", "pattern": "^[a-z][a-z0-9_]{0,40}$" },
        "fields": { "description": "The fields besides id, created_at and updated_at. Required.", "type": "array", "items": { "$ref": "#/$defs/field" } },
        "indexes": { "description": "Indexes over fields.", "type": "array", "default": [], "items": { "$ref": "#/$defs/index" } },
        "seed": { "description": "CSV file relative to the plugin folder, loaded when the collection is first created. Optional.", "type": "string" }
      }
    },
    "field": {
      "description": "One field of a collection.",
      "type": "object",
      "required": ["name", "type"],
      "additionalProperties": false,
      "properties": {
        "name": { "description": "Field name, unique in the collection; not id, created_at or updated_at. Required.", "type": "string", "pattern": "^[a-z][a-z0-9_]{0,40}$" },
        "type": { "description": "Storage type. Required.", "enum": ["string", "text", "integer", "number", "boolean", "datetime", "json"] },
        "required": { "description": "Whether every record must have a value.", "type": "boolean", "default": false }
      }
    },
    "slaPolicy": {
      "description": "One SLA policy: how long a clock allows, when it turns yellow, which calendar it counts on.",
      "type": "object",
      "required": ["target"],
      "additionalProperties": false,
      "properties": {
        "target": {
          "description": "The allowed time, exactly one of: working_days (working days of the calendar), working_hours (hours inside its office hours, or whole working days without them), calendar_days (plain days). Integer 0-3650; 0 is due at once. Required.",
          "oneOf": [
            { "description": "{\"working_days\": n}", "type": "object", "required": ["working_days"], "additionalProperties": false,
              "properties": { "working_days": { "description": "Working days.", "type": "integer", "minimum": 0, "maximum": 3650 } } },
            { "description": "{\"working_hours\": n}", "type": "object", "required": ["working_hours"], "additionalProperties": false,
              "properties": { "working_hours": { "description": "Working hours.", "type": "integer", "minimum": 0, "maximum": 87600 } } },
            { "description": "{\"calendar_days\": n}", "type": "object", "required": ["calendar_days"], "additionalProperties": false,
              "properties": { "calendar_days": { "description": "Calendar days.", "type": "integer", "minimum": 0, "maximum": 3650 } } }
          ]
        },
        "warning": { "description": "Share of the target after which the clock turns yellow, more than 0 and at most 1.", "type": "number", "default": 0.75, "minimum": 0, "maximum": 1 },
        "calendar": { "description": "Name of the working calendar admins maintain (working days, hours, holidays, time zone).", "type": "string", "default": "default", "pattern": "^[a-z][a-z0-9_-]{0,40}$" }
      }
    },
    "index": {
      "description": "An index over fields of the collection.",
      "type": "object",
      "required": ["fields"],
      "additionalProperties": false,
      "properties": {
        "fields": { "description": "Field names, in order; id, created_at and updated_at are allowed. Required.", "type": "array", "minItems": 1, "items": { "type": "string" } },
        "unique": { "description": "Whether the combination must be unique.", "type": "boolean", "default": false }
      }
    }
  }
}

"""#

    /// `text` parsed once; the validator checks manifests against this value.
    static let value: JSONValue = {
        do { return try JSONParser.parse(text) } catch { fatalError("ManifestSchema.text is not valid JSON: \(error)") }
    }()
}
