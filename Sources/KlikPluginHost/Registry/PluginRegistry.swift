import Foundation
import KlikAuth
import KlikCore
import KlikFiles
import KlikLua
import KlikNotify
import KlikSLA
import KlikStorage

/// What the kernel knows about one plugin now.
public struct PluginInfo: Sendable {
    public enum Status: String, Sendable { case active, disabled, failed, paused }
    public let id: String
    public let version: String
    public let enabled: Bool
    public let status: Status
    /// Why loading failed (path-anchored messages), or why it was paused.
    public let errors: [String]
    public let requests: Int
    public let failures: Int
    public let budgetTrips: Int
    public let memoryBytes: Int
}

/// Discovers, validates, loads, enables, disables and reloads plugins. Lifecycle changes are
/// serialized; lookups on the request path read an immutable snapshot under a short lock.
public final class PluginRegistry: @unchecked Sendable {
    public struct Directories: Sendable {
        public let manifests: URL
        public let plugins: URL
        public init(manifests: URL, plugins: URL) {
            self.manifests = manifests
            self.plugins = plugins
        }
    }

    struct Entry {
        var manifest: PluginManifest?
        var runtime: PluginRuntime?
        var enabled: Bool
        var status: PluginInfo.Status
        var errors: [String]
        var stats: PluginStats
        var seenRevision: Int64
    }

    let directories: Directories
    let database: Database
    let clock: any Clock
    let logger: Logger
    public let audit: AuditLog
    let states: PluginStateStore
    let statesPerPlugin: Int
    /// Ids the kernel uses under `/api/v1/`; no plugin may take them.
    public static let reservedIds: Set<String> = ["admin", "auth", "me", "menu", "files", "events", "kernel", "plugins", "users", "opd"]

    /// Budget trips within a minute after which a plugin is paused.
    public var pauseAfterTrips = 5
    /// Only these plugins (and their dependencies) are loaded when set (isolated plugin tests).
    public var only: Set<String>?
    /// User and OPD lookups offered to plugins with `users:read` (set by the kernel before loading).
    public var directory: (users: UserStore, agencies: AgencyStore)?
    /// Notifications offered to plugins with `notify` (set by the kernel before loading).
    public var notifier: Notifier?
    /// SLA clocks and scheduled jobs given to plugins with the `sla`/`schedule` permissions; set by the kernel before loading.
    public var timers: TimerService?
    /// Stored files offered to plugins with `files` (set by the kernel before loading).
    public var files: FileStore?

    private let entriesLock = NSLock()
    private var entries: [String: Entry] = [:]
    private let lifecycle = NSRecursiveLock()

    public init(directories: Directories, database: Database, clock: any Clock, logger: Logger, statesPerPlugin: Int) {
        self.directories = directories
        self.database = database
        self.clock = clock
        self.logger = logger
        self.statesPerPlugin = statesPerPlugin
        audit = AuditLog(database: database, clock: clock, logger: logger)
        states = PluginStateStore(database: database, clock: clock)
    }

    // MARK: Lookups (request path)

    /// The runtime serving `id`, if the plugin is active.
    public func activeRuntime(_ id: String) -> PluginRuntime? {
        entriesLock.withLock {
            guard let e = entries[id], e.status == .active else { return nil }
            return e.runtime
        }
    }

    /// The last validated manifest of `id` (also for disabled or paused plugins).
    public func manifest(_ id: String) -> PluginManifest? { entriesLock.withLock { entries[id]?.manifest } }

    public func status(_ id: String) -> PluginInfo.Status? { entriesLock.withLock { entries[id]?.status } }

    public func list() -> [PluginInfo] {
        let snapshot = entriesLock.withLock { entries }
        return snapshot.keys.sorted().map { id in
            let e = snapshot[id]!
            let s = e.stats.snapshot
            return PluginInfo(id: id, version: e.manifest?.version.description ?? "", enabled: e.enabled, status: e.status,
                              errors: e.errors, requests: s.requests, failures: s.errors, budgetTrips: s.budgetTrips,
                              memoryBytes: e.runtime?.memoryInUse ?? 0)
        }
    }

    func update(_ id: String, _ body: (inout Entry) -> Void) {
        entriesLock.withLock {
            var e = entries[id] ?? Entry(manifest: nil, runtime: nil, enabled: true, status: .failed, errors: [], stats: PluginStats(), seenRevision: 0)
            body(&e)
            entries[id] = e
        }
    }

    func lifecycleLock(_ body: () -> Void) { lifecycle.withLock(body) }
    func failExternally(_ id: String, errors: [String], revision: Int64) {
        let manifest = entriesLock.withLock { entries[id]?.manifest }
        let enabled = (try? states.record(id))?.enabled ?? true
        fail(id, manifest: manifest, errors: errors, enabled: enabled, revision: revision)
    }
    func activateExternally(_ manifest: PluginManifest, enabled: Bool, settings: [String: JSONValue], revision: Int64) {
        activate(manifest, enabled: enabled, settings: settings, revision: revision)
    }
    func activeManifests() -> [PluginManifest] {
        entriesLock.withLock { entries.values.filter { $0.status == .active || $0.status == .paused }.compactMap(\.manifest) }
    }
    func seenRevision(_ id: String) -> Int64 { entriesLock.withLock { entries[id]?.seenRevision ?? -1 } }
    func markDisabled(_ id: String) {
        let version = entriesLock.withLock { entries[id]?.manifest?.version.description ?? "" }
        update(id) { e in
            e.runtime = nil
            e.enabled = false
            e.status = .disabled
            e.errors = []
        }
        try? states.report(id, status: "disabled", error: "", version: version, revision: nil)
        logger.info("plugin disabled", [("plugin", .string(id))])
    }

    // MARK: Loading

    /// Ids of every manifest in the manifests folder.
    func discover() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directories.manifests.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Loads every plugin found; one that fails never stops the others.
    public func loadAll() {
        lifecycle.withLock {
            let records = (try? states.all()) ?? [:]
            var manifests: [PluginManifest] = []
            var failures: [String: [String]] = [:]
            for id in discover() {
                if PluginRegistry.reservedIds.contains(id) {
                    failures[id] = ["Manifests/\(id).json: $.id: '\(id)' is reserved by the kernel"]
                    continue
                }
                switch ManifestLoader.load(file: directories.manifests.appendingPathComponent("\(id).json"), pluginsDirectory: directories.plugins) {
                case .success(let m): manifests.append(m)
                case .failure(let f): failures[id] = f.violations.map { "\(f.file): \($0)" }
                }
            }
            if let only { manifests = PluginRegistry.closure(of: only, in: manifests) ; failures = failures.filter { only.contains($0.key) } }
            let (ordered, setFailures) = PluginSet.order(manifests)
            for (id, violations) in setFailures { failures[id, default: []].append(contentsOf: violations.map { "Manifests/\(id).json: \($0)" }) }
            for (id, errors) in failures {
                let record = records[id]
                fail(id, manifest: manifests.first { $0.id == id }, errors: errors, enabled: record?.enabled ?? true, revision: record?.revision ?? 0)
            }
            for manifest in ordered where failures[manifest.id] == nil {
                let record = records[manifest.id]
                activate(manifest, enabled: record?.enabled ?? true, settings: record?.settings ?? [:], revision: record?.revision ?? 0)
            }
        }
    }

    /// `ids` and everything they depend on.
    static func closure(of ids: Set<String>, in manifests: [PluginManifest]) -> [PluginManifest] {
        let byId = Dictionary(manifests.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var wanted = Set<String>()
        var stack = Array(ids)
        while let id = stack.popLast() {
            guard wanted.insert(id).inserted, let m = byId[id] else { continue }
            stack.append(contentsOf: m.depends.keys)
        }
        return manifests.filter { wanted.contains($0.id) }
    }

    func fail(_ id: String, manifest: PluginManifest?, errors: [String], enabled: Bool, revision: Int64) {
        for e in errors { logger.error("plugin failed to load", [("plugin", .string(id)), ("error", .string(e))]) }
        update(id) { e in
            e.manifest = manifest
            e.runtime = nil
            e.enabled = enabled
            e.status = .failed
            e.errors = errors
            e.seenRevision = revision
        }
        try? states.report(id, status: "failed", error: errors.joined(separator: "\n"), version: manifest?.version.description ?? "", revision: revision)
    }

    /// Migrates and loads a validated manifest (or records it as disabled) and swaps it in.
    func activate(_ manifest: PluginManifest, enabled: Bool, settings: [String: JSONValue], revision: Int64) {
        let id = manifest.id
        guard enabled else {
            update(id) { e in
                e.manifest = manifest; e.runtime = nil; e.enabled = false; e.status = .disabled; e.errors = []; e.seenRevision = revision
            }
            try? states.report(id, status: "disabled", error: "", version: manifest.version.description, revision: revision)
            return
        }
        do {
            let runtime = try build(manifest, settings: settings)
            update(id) { e in
                e.manifest = manifest; e.runtime = runtime; e.enabled = true; e.status = .active; e.errors = []; e.seenRevision = revision
                e.stats = runtime.stats   // a first load has no entry yet: keep the counters the runtime updates
            }
            try? states.report(id, status: "active", error: "", version: manifest.version.description, revision: revision)
            logger.info("plugin loaded", [("plugin", .string(id)), ("version", .string(manifest.version.description))])
        } catch {
            fail(id, manifest: manifest, errors: [PluginRegistry.describe(error, id: id)], enabled: true, revision: revision)
        }
    }

    static func describe(_ error: Error, id: String) -> String {
        if let e = error as? LuaError { return "Plugins/\(id)/main.lua: \(e.message)" }
        if let e = error as? KlikError { return "Plugins/\(id): \(e.message)" }
        if let e = error as? SeedLoader.Failure { return "Plugins/\(id)/\(e.message)" }
        if let e = error as? StorageError { return "Plugins/\(id): storage: \(e.message)" }
        return "Plugins/\(id): \(error)"
    }

    private func build(_ manifest: PluginManifest, settings: [String: JSONValue]) throws -> PluginRuntime {
        let folder = directories.plugins.appendingPathComponent(manifest.id)
        try migrate(manifest, folder: folder)
        var merged = manifest.settings.map(SettingsSchema.defaults) ?? [:]
        for (k, v) in settings where merged[k] != nil { merged[k] = v }
        let stats = entriesLock.withLock { entries[manifest.id]?.stats } ?? PluginStats()
        let runtime = PluginRuntime(manifest: manifest, folder: folder, database: database, clock: clock, logger: logger,
                                    settings: merged, stats: stats, maxIdle: statesPerPlugin,
                                    directory: manifest.permissions.contains(.usersRead) ? directory : nil,
                                    audit: { [audit] action, target, detail in
                                        audit.record(actor: "plugin:\(target)", action: action, target: target, detail: detail)
                                    }, timers: timers)
        runtime.notifier = manifest.permissions.contains(.notify) ? notifier : nil
        runtime.files = manifest.permissions.contains(.files) ? files : nil
        runtime.onTrip = { [weak self] recent in self?.budgetTripped(manifest.id, recent: recent) }
        try runtime.prepare()
        return runtime
    }

    /// Creates or extends the plugin's tables and seeds new collections, all in one transaction.
    private func migrate(_ manifest: PluginManifest, folder: URL) throws {
        let now = Timestamp.iso8601(clock.now())
        try database.write { c in
            for spec in manifest.collections {
                let schema = CollectionSchema(plugin: manifest.id, spec: spec)
                if try schema.ensure(on: c), let seed = spec.seed {
                    try SeedLoader.load(folder.appendingPathComponent(seed), into: schema, on: c, now: now)
                }
            }
        }
    }

    private func budgetTripped(_ id: String, recent: Int) {
        guard recent >= pauseAfterTrips else { return }
        var paused = false
        update(id) { e in
            if e.status == .active {
                e.status = .paused
                e.errors = ["paused after \(recent) budget trips within a minute; reload or enable it to resume"]
                paused = true
            }
        }
        guard paused else { return }
        logger.warn("plugin paused", [("plugin", .string(id)), ("budget_trips", .int(recent))])
        audit.record(actor: "kernel", action: "plugin.paused", target: id, detail: ["budget_trips": .integer(Int64(recent))])
        try? states.report(id, status: "paused", error: "paused after repeated budget trips", version: "", revision: nil)
    }
}
