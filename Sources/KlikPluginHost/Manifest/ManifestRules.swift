import KlikCore

/// Semantic checks on a parsed manifest that the schema cannot express: routes, names, uniqueness, ranges, settings.
enum ManifestRules {
    static let idPattern = "^[a-z][a-z0-9-]{1,40}$"
    static let handlerPattern = "^[A-Za-z_][A-Za-z0-9_]*$"
    static let namePattern = "^[a-z][a-z0-9_]{0,40}$"
    static let segmentPattern = "^[A-Za-z0-9._~-]+$"
    static let paramPattern = "^[a-z_][a-z0-9_]*$"
    static let reservedFields: Set = ["id", "created_at", "updated_at"]
    static let methods: Set = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    static func check(_ m: JSONValue) -> [ManifestViolation] {
        var out: [ManifestViolation] = []
        func fail(_ p: String, _ message: String) { out.append(ManifestViolation(path: p, message: message)) }
        if let id = m["id"]?.stringValue, !Patterns.whole(idPattern, id) { fail("$.id", "must match \(idPattern)") }
        if let v = m["version"]?.stringValue, SemanticVersion(v) == nil { fail("$.version", "must be a semantic version like 1.0.0") }
        if let k = m["kernel"]?.stringValue, VersionRange(k) == nil { fail("$.kernel", "invalid version range; expected e.g. ^1.0 or >=1.0 <2.0") }
        checkPermissions(m["permissions"], into: &out)
        checkRoutes(m["routes"]?.arrayValue ?? [], into: &out)
        checkCollections(m["collections"]?.arrayValue ?? [], into: &out)
        for (key, value) in (m["depends"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let p = JSONPath.key("$.depends", key)
            if !Patterns.whole(idPattern, key) { fail(p, "key must be a plugin id matching \(idPattern)") }
            if let text = value.stringValue, VersionRange(text) == nil { fail(p, "invalid version range; expected e.g. ^1.0 or >=1.0 <2.0") }
        }
        if let cpu = m["limits"]?["cpu_ms"]?.int64Value, cpu > KernelLimits.maxCPUMilliseconds {
            fail("$.limits.cpu_ms", "must be at most \(KernelLimits.maxCPUMilliseconds) (kernel maximum)")
        }
        if let mem = m["limits"]?["memory_mb"]?.int64Value, mem > KernelLimits.maxMemoryMegabytes {
            fail("$.limits.memory_mb", "must be at most \(KernelLimits.maxMemoryMegabytes) (kernel maximum)")
        }
        if let file = m["limits"]?["file_mb"]?.int64Value, file > KernelLimits.maxFileMegabytes {
            fail("$.limits.file_mb", "must be at most \(KernelLimits.maxFileMegabytes) (kernel maximum)")
        }
        if let settings = m["settings"] { out += SettingsSchema.check(settings) }
        for (name, policy) in (m["sla"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let p = JSONPath.key("$.sla", name)
            if !Patterns.whole(namePattern, name) { fail(p, "policy name must match \(namePattern)") }
            if let w = policy["warning"]?.doubleValue, w <= 0 { fail(p + ".warning", "must be more than 0 (a share of the target, e.g. 0.75)") }
        }
        return out
    }

    private static func checkPermissions(_ value: JSONValue?, into out: inout [ManifestViolation]) {
        let allowed = Permission.allCases.map(\.rawValue)
        var seen: [String: Int] = [:]
        for (i, item) in (value?.arrayValue ?? []).enumerated() {
            guard let name = item.stringValue else { continue }
            let p = JSONPath.index("$.permissions", i)
            if !allowed.contains(name) {
                out.append(ManifestViolation(path: p, message: "unknown permission \(name); allowed: \(allowed.joined(separator: ", "))"))
            } else if let first = seen[name] {
                out.append(ManifestViolation(path: p, message: "\(name) is listed more than once (first at [\(first)])"))
            } else {
                seen[name] = i
            }
        }
    }

    private static func checkRoutes(_ routes: [JSONValue], into out: inout [ManifestViolation]) {
        var seen: [String: Int] = [:]
        for (i, route) in routes.enumerated() {
            let base = JSONPath.index("$.routes", i)
            guard let path = route["path"]?.stringValue else { continue }
            let problems = routePathProblems(path)
            for problem in problems { out.append(ManifestViolation(path: base + ".path", message: problem)) }
            guard problems.isEmpty, let method = route["method"]?.stringValue?.uppercased() else { continue }
            let key = method + " " + normalized(path)
            if let first = seen[key] {
                out.append(ManifestViolation(path: base + ".path", message: "duplicate route \(method) \(path) (also at $.routes[\(first)])"))
            } else {
                seen[key] = i
            }
        }
    }

    /// Everything wrong with a route path, or [] when it is well formed.
    static func routePathProblems(_ path: String) -> [String] {
        guard path.hasPrefix("/") else { return ["must start with '/'"] }
        if path == "/" { return [] }
        var problems: [String] = []
        var params: Set<String> = []
        for segment in path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(String.init) {
            if segment.isEmpty {
                problems.append("must not contain empty segments ('//' or a trailing '/')")
            } else if segment == ".." || segment == "." {
                problems.append("must not contain '\(segment)' segments")
            } else if segment.hasPrefix("{"), let close = segment.firstIndex(of: "}") {
                // `{name}`, or `{name}` followed by a literal suffix such as `{code}.json`.
                let name = String(segment[segment.index(after: segment.startIndex)..<close])
                let suffix = String(segment[segment.index(after: close)...])
                if !Patterns.whole(paramPattern, name) {
                    problems.append("parameter {\(name)} must match \(paramPattern)")
                } else if !suffix.isEmpty && !Patterns.whole(segmentPattern, suffix) {
                    problems.append("segment '\(segment)': what follows {\(name)} must be [A-Za-z0-9._~-]+")
                } else if !params.insert(name).inserted {
                    problems.append("parameter {\(name)} appears more than once")
                }
            } else if !Patterns.whole(segmentPattern, segment) {
                problems.append("segment '\(segment)' must be [A-Za-z0-9._~-]+ or a {param}")
            }
        }
        return problems
    }

    /// The path with parameter names erased, so `/a/{x}` and `/a/{y}` count as the same route.
    private static func normalized(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { segment -> String in
                guard segment.hasPrefix("{"), let close = segment.firstIndex(of: "}") else { return String(segment) }
                return "{}" + segment[segment.index(after: close)...]
            }.joined(separator: "/")
    }

    private static func checkCollections(_ collections: [JSONValue], into out: inout [ManifestViolation]) {
        func fail(_ p: String, _ message: String) { out.append(ManifestViolation(path: p, message: message)) }
        var names: [String: Int] = [:]
        for (i, collection) in collections.enumerated() {
            let base = JSONPath.index("$.collections", i)
            if let name = collection["name"]?.stringValue {
                if !Patterns.whole(namePattern, name) { fail(base + ".name", "must match \(namePattern)") }
                if let first = names[name] { fail(base + ".name", "duplicate collection \(name) (also at $.collections[\(first)])") }
                else { names[name] = i }
            }
            var fields: [String: Int] = [:]
            for (j, field) in (collection["fields"]?.arrayValue ?? []).enumerated() {
                guard let name = field["name"]?.stringValue else { continue }
                let p = JSONPath.index(base + ".fields", j) + ".name"
                if reservedFields.contains(name) {
                    fail(p, "\(name) is reserved (every record has id, created_at, updated_at)")
                } else if !Patterns.whole(namePattern, name) {
                    fail(p, "must match \(namePattern)")
                } else if let first = fields[name] {
                    fail(p, "duplicate field \(name) (also at fields[\(first)])")
                } else {
                    fields[name] = j
                }
            }
            for (j, index) in (collection["indexes"]?.arrayValue ?? []).enumerated() {
                for (k, f) in (index["fields"]?.arrayValue ?? []).enumerated() {
                    guard let name = f.stringValue, fields[name] == nil, !reservedFields.contains(name) else { continue }
                    fail(JSONPath.index(JSONPath.index(base + ".indexes", j) + ".fields", k), "unknown field \(name) in collection")
                }
            }
            if let seed = collection["seed"]?.stringValue, !seed.hasSuffix(".csv") { fail(base + ".seed", "must end in .csv") }
        }
    }
}
