import KlikCore
import KlikSLA

/// Maps a manifest that passed validation onto `PluginManifest`, filling documented defaults.
enum ManifestDecoder {
    /// Nil only if `json` did not actually validate (a required field is missing or malformed).
    static func decode(_ json: JSONValue) -> PluginManifest? {
        guard let id = json["id"]?.stringValue,
              let version = json["version"]?.stringValue.flatMap(SemanticVersion.init),
              let kernel = json["kernel"]?.stringValue.flatMap(VersionRange.init),
              let name = text(json["name"]), let description = text(json["description"]) else { return nil }
        var depends: [String: VersionRange] = [:]
        for (key, value) in json["depends"]?.objectValue ?? [:] {
            guard let range = value.stringValue.flatMap(VersionRange.init) else { return nil }
            depends[key] = range
        }
        let limits = json["limits"]
        return PluginManifest(
            id: id, version: version, kernel: kernel, name: name, description: description,
            permissions: (json["permissions"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(Permission.init) },
            routes: (json["routes"]?.arrayValue ?? []).compactMap(route),
            menu: json["menu"].flatMap(menu),
            settings: json["settings"],
            collections: (json["collections"]?.arrayValue ?? []).compactMap(collection),
            depends: depends,
            events: EventsSpec(emits: strings(json["events"]?["emits"]), subscribes: strings(json["events"]?["subscribes"])),
            limits: LimitsSpec(cpuMilliseconds: limits?["cpu_ms"]?.int64Value.map { Int($0) },
                               memoryMegabytes: limits?["memory_mb"]?.int64Value.map { Int($0) },
                               fileMegabytes: limits?["file_mb"]?.int64Value.map { Int($0) },
                               filesQuotaMegabytes: limits?["files_quota_mb"]?.int64Value.map { Int($0) }),
            sla: slaPolicies(json["sla"]),
            raw: json)
    }

    private static func text(_ v: JSONValue?) -> LocalizedText? {
        guard let id = v?["id"]?.stringValue, let en = v?["en"]?.stringValue else { return nil }
        return LocalizedText(id: id, en: en)
    }

    private static func strings(_ v: JSONValue?) -> [String] { v?.arrayValue?.compactMap(\.stringValue) ?? [] }

    private static func route(_ v: JSONValue) -> RouteSpec? {
        guard let method = v["method"]?.stringValue, let path = v["path"]?.stringValue,
              let handler = v["handler"]?.stringValue, let access = access(v["access"] ?? "user") else { return nil }
        return RouteSpec(method: method.uppercased(), path: path, handler: handler, access: access)
    }

    static func access(_ v: JSONValue) -> AccessRule? {
        switch v {
        case "public": return .public
        case "user": return .user
        case "opd": return .opdMember
        default: return v["roles"]?.arrayValue.map { .roles($0.compactMap(\.stringValue)) }
        }
    }

    private static func menu(_ v: JSONValue) -> MenuSpec? {
        guard let title = text(v["title"]), let icon = v["icon"]?.stringValue else { return nil }
        return MenuSpec(title: title, icon: icon, order: v["order"]?.int64Value.map { Int($0) } ?? 0,
                        audience: v["audience"]?.stringValue ?? "public")
    }

    private static func collection(_ v: JSONValue) -> CollectionSpec? {
        guard let name = v["name"]?.stringValue else { return nil }
        let fields = (v["fields"]?.arrayValue ?? []).compactMap { f -> FieldSpec? in
            guard let n = f["name"]?.stringValue, let t = f["type"]?.stringValue.flatMap(FieldType.init) else { return nil }
            return FieldSpec(name: n, type: t, required: f["required"]?.boolValue ?? false)
        }
        let indexes = (v["indexes"]?.arrayValue ?? []).map {
            IndexSpec(fields: strings($0["fields"]), unique: $0["unique"]?.boolValue ?? false)
        }
        return CollectionSpec(name: name, fields: fields, indexes: indexes, seed: v["seed"]?.stringValue)
    }

    /// `sla`: `{"name": {"target": {"working_days": 5}, "warning": 0.75, "calendar": "default"}}`.
    static func slaPolicies(_ v: JSONValue?) -> [String: SLAPolicy] {
        var out: [String: SLAPolicy] = [:]
        for (name, p) in v?.objectValue ?? [:] {
            let t = p["target"]
            let target: SLAPolicy.Target
            if let n = t?["working_days"]?.int64Value { target = .workingDays(Int(n)) }
            else if let n = t?["working_hours"]?.int64Value { target = .workingHours(Int(n)) }
            else if let n = t?["calendar_days"]?.int64Value { target = .calendarDays(Int(n)) }
            else { continue }
            out[name] = SLAPolicy(name: name, target: target, warning: p["warning"]?.doubleValue ?? 0.75,
                                  calendar: p["calendar"]?.stringValue ?? "default")
        }
        return out
    }
}
