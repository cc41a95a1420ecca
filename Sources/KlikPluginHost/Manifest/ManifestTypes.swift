import KlikCore

// The typed parts of a manifest. Each field's JSON form, default and meaning are documented here
// and, for editors, in `docs/manifest.schema.json` (`ManifestSchema.text`).
// `LocalizedText` (id/en) lives in KlikCore.

/// A kernel capability a plugin may use; default deny — an undeclared one is absent from its `klik` table.
public enum Permission: String, Sendable, CaseIterable {
    /// `klik.storage`: the plugin's own collections.
    case storage
    /// `klik.notify`: inbox messages and outbox channels.
    case notify
    /// `klik.sla`: SLA timers and colours.
    case sla
    /// `klik.schedule`: timed jobs.
    case schedule
    /// `klik.users`: read-only user and OPD lookups.
    case usersRead = "users:read"
    /// `klik.files`: uploaded files.
    case files
}

/// Who may call a route. JSON: `"public"` | `"user"` | `"opd"` | `{"roles": ["admin", ...]}`; default `"user"`.
public enum AccessRule: Sendable, Equatable {
    /// Anyone, signed in or not.
    case `public`
    /// Any signed-in user.
    case user
    /// Signed-in users holding at least one of these roles (see `AccessRule.roleNames`).
    case roles([String])
    /// Signed-in members of an OPD (agency).
    case opdMember

    /// The roles the kernel knows.
    public static let roleNames = ["warga", "petugas", "kepala_opd", "admin", "pimpinan"]
}

/// An HTTP route the plugin serves, mounted under `/api/v1/<id>/`.
public struct RouteSpec: Sendable, Equatable {
    /// `method`: string, required; one of GET, POST, PUT, PATCH, DELETE (stored uppercased).
    public var method: String
    /// `path`: string, required; starts with '/', segments `[A-Za-z0-9._~-]+` or `{param}`.
    public var path: String
    /// `handler`: string, required; name of the function in the table `main.lua` returns.
    public var handler: String
    /// `access`: who may call it; default `"user"`.
    public var access: AccessRule

    public init(method: String, path: String, handler: String, access: AccessRule) {
        self.method = method
        self.path = path
        self.handler = handler
        self.access = access
    }
}

/// The entry the citizen app shows for the plugin.
public struct MenuSpec: Sendable, Equatable {
    /// `title`: required; the menu label in both languages.
    public var title: LocalizedText
    /// `icon`: string, required; an icon name from the app's icon set.
    public var icon: String
    /// `order`: integer, default 0; lower comes first.
    public var order: Int
    /// `audience`: `"public"`, `"user"` or a role name; default `"public"`.
    public var audience: String

    public init(title: LocalizedText, icon: String, order: Int = 0, audience: String = "public") {
        self.title = title
        self.icon = icon
        self.order = order
        self.audience = audience
    }
}

/// The storage type of a collection field.
public enum FieldType: String, Sendable, CaseIterable {
    case string, text, integer, number, boolean, datetime, json
}

/// One field (column) of a collection.
public struct FieldSpec: Sendable, Equatable {
    /// `name`: string, required; `^[a-z][a-z0-9_]{0,40}$`, not `id`, `created_at` or `updated_at`.
    public var name: String
    /// `type`: required; see `FieldType`.
    public var type: FieldType
    /// `required`: boolean, default false; whether a record must have a value.
    public var required: Bool

    public init(name: String, type: FieldType, required: Bool = false) {
        self.name = name
        self.type = type
        self.required = required
    }
}

/// An index over one or more fields of a collection.
public struct IndexSpec: Sendable, Equatable {
    /// `fields`: array of field names, required, at least one; may include `id`, `created_at`, `updated_at`.
    public var fields: [String]
    /// `unique`: boolean, default false.
    public var unique: Bool

    public init(fields: [String], unique: Bool = false) {
        self.fields = fields
        self.unique = unique
    }
}

/// A table of plugin data the kernel creates; every record also has `id`, `created_at`, `updated_at`.
public struct CollectionSpec: Sendable, Equatable {
    /// `name`: string, required; `^[a-z][a-z0-9_]{0,40}$`, unique within the plugin.
    public var name: String
    /// `fields`: array, required.
    public var fields: [FieldSpec]
    /// `indexes`: array, default [].
    public var indexes: [IndexSpec]
    /// `seed`: string, optional; a CSV file relative to the plugin folder, loaded when the collection is first created.
    public var seed: String?

    public init(name: String, fields: [FieldSpec], indexes: [IndexSpec] = [], seed: String? = nil) {
        self.name = name
        self.fields = fields
        self.indexes = indexes
        self.seed = seed
    }
}

/// The kernel's hard ceilings on per-plugin budgets; a manifest may ask for less, never more.
public enum KernelLimits {
    /// Maximum CPU time per call, in milliseconds.
    public static let maxCPUMilliseconds = 1000
    /// Maximum Lua memory per state, in megabytes.
    public static let maxMemoryMegabytes = 256
    /// Largest file a plugin may accept with `klik.files.store`, and the default, in megabytes.
    public static let maxFileMegabytes = 25
    public static let defaultFileMegabytes = 10
    /// Default quota of a plugin's stored files, in megabytes.
    public static let defaultFilesQuotaMegabytes = 10240
}

/// Budgets the plugin asks for. JSON `{"cpu_ms": 100, "memory_mb": 32}`; nil means the kernel default.
public struct LimitsSpec: Sendable, Equatable {
    /// `cpu_ms`: integer 1...`KernelLimits.maxCPUMilliseconds`, optional.
    public var cpuMilliseconds: Int?
    /// `memory_mb`: integer 1...`KernelLimits.maxMemoryMegabytes`, optional.
    public var memoryMegabytes: Int?
    /// `file_mb`: integer 1...`KernelLimits.maxFileMegabytes`, optional (default 10): the largest upload `klik.files.store` accepts.
    public var fileMegabytes: Int?
    /// `files_quota_mb`: integer, optional (default 10240): all the plugin's stored files together.
    public var filesQuotaMegabytes: Int?

    public init(cpuMilliseconds: Int? = nil, memoryMegabytes: Int? = nil, fileMegabytes: Int? = nil, filesQuotaMegabytes: Int? = nil) {
        self.cpuMilliseconds = cpuMilliseconds
        self.memoryMegabytes = memoryMegabytes
        self.fileMegabytes = fileMegabytes
        self.filesQuotaMegabytes = filesQuotaMegabytes
    }
}

/// Events the plugin publishes and listens to, by name (e.g. `lapor.created`).
public struct EventsSpec: Sendable, Equatable {
    /// `emits`: array of event names, default [].
    public var emits: [String]
    /// `subscribes`: array of event names, default [].
    public var subscribes: [String]

    public init(emits: [String] = [], subscribes: [String] = []) {
        self.emits = emits
        self.subscribes = subscribes
    }
}
