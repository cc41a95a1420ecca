import KlikCore

/// Validates JSON values against the JSON Schema subset Klik uses, reporting every violation with its path.
public enum JSONSchemaValidator {
    /// Validates `value` against `schema` (type, properties, required, additionalProperties, patternProperties,
    /// items, minItems, maxItems, uniqueItems, enum, const, pattern, minLength, maxLength, minimum, maximum,
    /// `$ref` to `#/$defs/...` within the root schema, oneOf/anyOf). Reports every violation with its path.
    public static func validate(_ value: JSONValue, against schema: JSONValue, path: String = "$") -> [ManifestViolation] {
        var out: [ManifestViolation] = []
        check(value, schema, root: schema, path: path, depth: 0, into: &out)
        return out
    }

    private static let maxDepth = 64

    private static func check(_ value: JSONValue, _ schema: JSONValue, root: JSONValue, path: String,
                              depth: Int, into out: inout [ManifestViolation]) {
        func fail(_ message: String, at p: String? = nil) { out.append(ManifestViolation(path: p ?? path, message: message)) }
        if case .bool(let allowed) = schema {
            if !allowed { fail("not allowed here") }
            return
        }
        guard case .object(let s) = schema else { return }
        guard depth < maxDepth else { return fail("schema nests too deeply") }

        if let ref = s["$ref"]?.stringValue {
            guard let target = resolve(ref, in: root) else { return fail("schema error: cannot resolve $ref \(ref)") }
            check(value, target, root: root, path: path, depth: depth + 1, into: &out)
        }
        if let t = s["type"], !typeMatches(value, t) {
            // A value of the wrong type cannot meaningfully be checked further.
            return fail("must be \(typePhrase(t)) (found \(value.typeName))")
        }
        if let allowed = s["enum"]?.arrayValue, !allowed.contains(where: { equal($0, value) }) {
            fail("must be one of: " + allowed.map(show).joined(separator: ", "))
        }
        if let c = s["const"], !equal(c, value) { fail("must be \(show(c))") }
        if let branches = s["anyOf"]?.arrayValue {
            checkBranches(value, branches, exactlyOne: false, root: root, path: path, depth: depth, into: &out)
        }
        if let branches = s["oneOf"]?.arrayValue {
            checkBranches(value, branches, exactlyOne: true, root: root, path: path, depth: depth, into: &out)
        }

        switch value {
        case .string(let text):
            let length = text.unicodeScalars.count
            if let n = s["minLength"]?.int64Value, length < n { fail("must be at least \(n) character\(n == 1 ? "" : "s") long") }
            if let n = s["maxLength"]?.int64Value, length > n { fail("must be at most \(n) characters long") }
            if let p = s["pattern"]?.stringValue {
                switch Patterns.search(p, in: text) {
                case true?: break
                case false?: fail("must match pattern \(p)")
                case nil: fail("schema error: invalid pattern \(p)")
                }
            }
        case .integer, .number:
            let d = value.doubleValue!
            if let m = s["minimum"]?.doubleValue, d < m { fail("must be at least \(show(s["minimum"]!))") }
            if let m = s["maximum"]?.doubleValue, d > m { fail("must be at most \(show(s["maximum"]!))") }
        case .array(let items):
            if let n = s["minItems"]?.int64Value, items.count < n { fail("must have at least \(n) item\(n == 1 ? "" : "s")") }
            if let n = s["maxItems"]?.int64Value, items.count > n { fail("must have at most \(n) items") }
            if s["uniqueItems"]?.boolValue == true {
                for (i, item) in items.enumerated() {
                    if let first = items[..<i].firstIndex(where: { equal($0, item) }) {
                        fail("\(show(item)) is listed more than once (first at [\(first)])", at: JSONPath.index(path, i))
                    }
                }
            }
            if let itemSchema = s["items"] {
                for (i, item) in items.enumerated() {
                    check(item, itemSchema, root: root, path: JSONPath.index(path, i), depth: depth + 1, into: &out)
                }
            }
        case .object(let members):
            checkObject(members, s, root: root, path: path, depth: depth, into: &out)
        case .null, .bool: break
        }
    }

    private static func checkObject(_ members: [String: JSONValue], _ s: [String: JSONValue], root: JSONValue,
                                    path: String, depth: Int, into out: inout [ManifestViolation]) {
        let properties = s["properties"]?.objectValue ?? [:]
        for name in s["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
            out.append(ManifestViolation(path: JSONPath.key(path, name), message: "is required"))
        }
        let patterns = s["patternProperties"]?.objectValue ?? [:]
        for key in members.keys.sorted() {
            let value = members[key]!
            let p = JSONPath.key(path, key)
            var matched = false
            if let sub = properties[key] {
                matched = true
                check(value, sub, root: root, path: p, depth: depth + 1, into: &out)
            }
            for (pattern, sub) in patterns.sorted(by: { $0.key < $1.key }) where Patterns.search(pattern, in: key) == true {
                matched = true
                check(value, sub, root: root, path: p, depth: depth + 1, into: &out)
            }
            guard !matched, let extra = s["additionalProperties"] else { continue }
            if extra == .bool(false) {
                let known = properties.keys.sorted()
                let hint = known.isEmpty ? "" : " (allowed: \(known.joined(separator: ", ")))"
                out.append(ManifestViolation(path: p, message: "unknown property" + hint))
            } else {
                check(value, extra, root: root, path: p, depth: depth + 1, into: &out)
            }
        }
    }

    /// anyOf/oneOf. When no branch matches, reports the violations of the only branch whose `type` fits the
    /// value (the most specific explanation), else one summary violation.
    private static func checkBranches(_ value: JSONValue, _ branches: [JSONValue], exactlyOne: Bool, root: JSONValue,
                                      path: String, depth: Int, into out: inout [ManifestViolation]) {
        let results = branches.map { b -> [ManifestViolation] in
            var r: [ManifestViolation] = []
            check(value, b, root: root, path: path, depth: depth + 1, into: &r)
            return r
        }
        let passing = results.filter(\.isEmpty).count
        if passing == 0 {
            let fitting = branches.indices.filter { i in
                let b = branches[i]["$ref"]?.stringValue.flatMap { resolve($0, in: root) } ?? branches[i]
                return b["type"].map { typeMatches(value, $0) } ?? false
            }
            if fitting.count == 1 { out += results[fitting[0]]; return }
            let forms = branches.compactMap { $0["description"]?.stringValue ?? $0["type"].map(typePhrase) }
            out.append(ManifestViolation(path: path, message: "must be " + (forms.isEmpty ? "one of the allowed forms" : forms.joined(separator: " or "))))
        } else if exactlyOne && passing > 1 {
            out.append(ManifestViolation(path: path, message: "matches more than one allowed form"))
        }
    }

    /// Resolves `#/$defs/name` (or any `#/a/b` JSON pointer) within the root schema.
    static func resolve(_ ref: String, in root: JSONValue) -> JSONValue? {
        guard ref.hasPrefix("#") else { return nil }
        var node = root
        for token in ref.dropFirst().split(separator: "/") {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = node[key] else { return nil }
            node = next
        }
        return node
    }

    static func typeMatches(_ value: JSONValue, _ type: JSONValue) -> Bool {
        if let names = type.arrayValue { return names.contains { typeMatches(value, $0) } }
        switch (type.stringValue, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object),
             ("number", .integer), ("number", .number), ("integer", .integer): return true
        case ("integer", .number(let d)): return d.rounded() == d
        default: return false
        }
    }

    private static func typePhrase(_ type: JSONValue) -> String {
        let names = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue ?? "?"]
        return names.map { ["integer", "object", "array"].contains($0) ? "an \($0)" : "a \($0)" }
            .joined(separator: " or ").replacingOccurrences(of: "a null", with: "null")
    }

    /// JSON equality where 1 and 1.0 are the same number.
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.integer, .number), (.number, .integer): return a.doubleValue == b.doubleValue
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { k, v in y[k].map { equal(v, $0) } ?? false }
        default: return a == b
        }
    }

    /// Strings bare (`storage`), everything else as JSON.
    static func show(_ v: JSONValue) -> String {
        if case .string(let s) = v { return s }
        return JSONWriter.string(v)
    }
}
