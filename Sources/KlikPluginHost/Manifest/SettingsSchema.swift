import KlikCore

/// A plugin's admin-editable settings: a flat JSON Schema of type object whose properties carry type, description and default.
public enum SettingsSchema {
    /// Setting names, as they appear in values and paths (`$.radius_m`).
    static let namePattern = "^[a-z][a-z0-9_]{0,40}$"
    static let propertyTypes = ["string", "integer", "number", "boolean", "array", "object"]
    static let propertyKeywords: Set = ["type", "default", "description", "title", "enum", "minimum", "maximum",
                                        "minLength", "maxLength", "pattern", "items"]
    static let schemaKeywords: Set = ["$schema", "type", "properties", "required", "additionalProperties", "title", "description"]

    /// Checks a plugin's settings schema is usable: type object, each property has a type, a description, and a default that itself validates.
    public static func check(_ schema: JSONValue, path: String = "$.settings") -> [ManifestViolation] {
        var out: [ManifestViolation] = []
        func fail(_ p: String, _ m: String) { out.append(ManifestViolation(path: p, message: m)) }
        guard case .object(let s) = schema else {
            fail(path, "must be a JSON Schema object (found \(schema.typeName))")
            return out
        }
        if s["type"] != .string("object") { fail(JSONPath.key(path, "type"), "must be \"object\"") }
        for key in s.keys.sorted() where !schemaKeywords.contains(key) {
            fail(JSONPath.key(path, key), "unknown keyword (allowed: \(schemaKeywords.sorted().joined(separator: ", ")))")
        }
        if let extra = s["additionalProperties"], extra != .bool(false) {
            fail(JSONPath.key(path, "additionalProperties"), "must be false if present (unknown settings are always refused)")
        }
        let propsPath = JSONPath.key(path, "properties")
        guard let properties = s["properties"] else { fail(propsPath, "is required"); return out }
        guard case .object(let props) = properties else { fail(propsPath, "must be an object"); return out }
        if let required = s["required"] {
            let names = required.arrayValue?.compactMap(\.stringValue) ?? []
            if names.count != required.arrayValue?.count { fail(JSONPath.key(path, "required"), "must be an array of property names") }
            for name in names where props[name] == nil { fail(JSONPath.key(path, "required"), "names unknown property \(name)") }
        }
        for name in props.keys.sorted() {
            checkProperty(name, props[name]!, path: JSONPath.key(propsPath, name), into: &out)
        }
        return out
    }

    private static func checkProperty(_ name: String, _ prop: JSONValue, path: String, into out: inout [ManifestViolation]) {
        func fail(_ p: String, _ m: String) { out.append(ManifestViolation(path: p, message: m)) }
        if !Patterns.whole(namePattern, name) { fail(path, "setting name must match \(namePattern)") }
        guard case .object(let p) = prop else { return fail(path, "must be an object (found \(prop.typeName))") }
        for key in p.keys.sorted() where !propertyKeywords.contains(key) {
            fail(JSONPath.key(path, key), "unknown keyword (allowed: \(propertyKeywords.sorted().joined(separator: ", ")))")
        }
        var typeOK = false
        switch p["type"] {
        case nil: fail(JSONPath.key(path, "type"), "is required")
        case .string(let t)? where propertyTypes.contains(t): typeOK = true
        default: fail(JSONPath.key(path, "type"), "must be one of: \(propertyTypes.joined(separator: ", "))")
        }
        switch p["description"] {
        case nil: fail(JSONPath.key(path, "description"), "is required")
        case .string(let d)? where !d.isEmpty: break
        default: fail(JSONPath.key(path, "description"), "must be a non-empty string")
        }
        for key in ["minimum", "maximum"] where p[key] != nil && p[key]?.doubleValue == nil {
            fail(JSONPath.key(path, key), "must be a number")
        }
        for key in ["minLength", "maxLength"] where p[key] != nil && (p[key]?.int64Value ?? -1) < 0 {
            fail(JSONPath.key(path, key), "must be a non-negative integer")
        }
        if let min = p["minimum"]?.doubleValue, let max = p["maximum"]?.doubleValue, min > max {
            fail(JSONPath.key(path, "maximum"), "must not be below minimum")
        }
        if let pattern = p["pattern"] {
            if !(pattern.stringValue.map(Patterns.compiles) ?? false) { fail(JSONPath.key(path, "pattern"), "must be a valid regular expression") }
        }
        if let e = p["enum"], (e.arrayValue?.isEmpty ?? true) { fail(JSONPath.key(path, "enum"), "must be a non-empty array") }
        guard let value = p["default"] else { return fail(JSONPath.key(path, "default"), "is required") }
        if typeOK { out += JSONSchemaValidator.validate(value, against: prop, path: JSONPath.key(path, "default")) }
    }

    /// Each property's `default`, by setting name.
    public static func defaults(_ schema: JSONValue) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for (name, prop) in schema["properties"]?.objectValue ?? [:] {
            if let d = prop["default"] { out[name] = d }
        }
        return out
    }

    /// Validates values an admin submits: unknown keys refused, types checked; answers violations with paths like "$.radius_m".
    /// Settings left out keep their current value or default.
    public static func validate(_ values: JSONValue, against schema: JSONValue) -> [ManifestViolation] {
        guard case .object(let members) = values else {
            return [ManifestViolation(path: "$", message: "must be an object (found \(values.typeName))")]
        }
        let props = schema["properties"]?.objectValue ?? [:]
        var out: [ManifestViolation] = []
        for key in members.keys.sorted() {
            let path = JSONPath.key("$", key)
            guard let prop = props[key] else {
                let known = props.keys.sorted().joined(separator: ", ")
                out.append(ManifestViolation(path: path, message: "unknown setting" + (known.isEmpty ? "" : " (known: \(known))")))
                continue
            }
            out += JSONSchemaValidator.validate(members[key]!, against: prop, path: path)
        }
        return out
    }
}
