import KlikCore
import KlikSLA

/// A validated plugin manifest (`Manifests/<id>.json`); field documentation lives on each type and in `ManifestSchema`.
public struct PluginManifest: Sendable {
    /// `id`: string, required; `^[a-z][a-z0-9-]{1,40}$`, equals the file name and the folder under `Plugins/`.
    public var id: String
    /// `version`: string, required; the plugin's semantic version.
    public var version: SemanticVersion
    /// `kernel`: string, required; the range of kernel plugin-API versions the plugin works with.
    public var kernel: VersionRange
    /// `name`: required; display name in both languages.
    public var name: LocalizedText
    /// `description`: required; one or two sentences in both languages.
    public var description: LocalizedText
    /// `permissions`: array, default []; each at most once.
    public var permissions: [Permission]
    /// `routes`: array, default [].
    public var routes: [RouteSpec]
    /// `menu`: optional; without it the app shows no entry.
    public var menu: MenuSpec?
    /// `settings`: optional JSON Schema of the admin-editable settings (see `SettingsSchema`).
    public var settings: JSONValue?
    /// `collections`: array, default [].
    public var collections: [CollectionSpec]
    /// `depends`: object from plugin id to version range, default {}.
    public var depends: [String: VersionRange]
    /// `events`: default no events.
    public var events: EventsSpec
    /// `limits`: default kernel defaults.
    public var limits: LimitsSpec
    /// `sla`: object from policy name to policy, default {}; the clocks `klik.sla.start` may start (see `SLAPolicy`).
    public var sla: [String: SLAPolicy]
    /// The manifest as parsed.
    public var raw: JSONValue

    public init(id: String, version: SemanticVersion, kernel: VersionRange, name: LocalizedText, description: LocalizedText,
                permissions: [Permission] = [], routes: [RouteSpec] = [], menu: MenuSpec? = nil, settings: JSONValue? = nil,
                collections: [CollectionSpec] = [], depends: [String: VersionRange] = [:], events: EventsSpec = EventsSpec(),
                limits: LimitsSpec = LimitsSpec(), sla: [String: SLAPolicy] = [:], raw: JSONValue = .object([:])) {
        self.id = id
        self.version = version
        self.kernel = kernel
        self.name = name
        self.description = description
        self.permissions = permissions
        self.routes = routes
        self.menu = menu
        self.settings = settings
        self.collections = collections
        self.depends = depends
        self.events = events
        self.limits = limits
        self.sla = sla
        self.raw = raw
    }
}

/// One problem in a manifest: where (a JSON path such as `$.routes[0].path`) and what is expected.
public struct ManifestViolation: Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// Why a manifest file was refused: every violation found in it.
public struct ManifestFailure: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let violations: [ManifestViolation]

    public init(file: String, violations: [ManifestViolation]) {
        self.file = file
        self.violations = violations
    }

    public var description: String {
        ([file + ":"] + violations.map { "  " + $0.description }).joined(separator: "\n")
    }
}

/// Builds JSON paths: `.name` for plain keys, `["odd key"]` otherwise, `[i]` for indexes.
enum JSONPath {
    static func key(_ base: String, _ key: String) -> String {
        let plain = !key.isEmpty && key.unicodeScalars.allSatisfy {
            $0.isASCII && (ASCIIText.isAlphanumeric($0) || $0 == "_" || $0 == "-" || $0 == ":")
        } && !(key.first!.isNumber)
        if plain { return base + "." + key }
        return base + "[" + JSONWriter.string(.string(key)) + "]"
    }

    static func index(_ base: String, _ i: Int) -> String { "\(base)[\(i)]" }
}

/// ASCII character classes for path rendering.
private enum ASCIIText {
    static func isAlphanumeric(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)
    }
}
