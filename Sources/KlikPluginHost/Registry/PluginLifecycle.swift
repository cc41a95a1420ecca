import Foundation
import KlikCore

/// Enable, disable and reload — from the admin API, the command line (through the database) or
/// the file watcher. Each takes effect at once and is persisted.
extension PluginRegistry {
    public struct LifecycleError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Loads (or reloads) one plugin from disk and swaps it in atomically; requests in flight
    /// finish on the old code. A new plugin folder and manifest are picked up the same way.
    @discardableResult
    public func reload(_ id: String, actor: String = "kernel", address: String = "") -> PluginInfo? {
        lifecycleLock {
            let record = try? states.record(id)
            let file = directories.manifests.appendingPathComponent("\(id).json")
            if PluginRegistry.reservedIds.contains(id) {
                failExternally(id, errors: ["Manifests/\(id).json: $.id: '\(id)' is reserved by the kernel"], revision: record?.revision ?? 0)
                return
            }
            guard FileManager.default.fileExists(atPath: file.path) else {
                failExternally(id, errors: ["Manifests/\(id).json: no such manifest"], revision: record?.revision ?? 0)
                return
            }
            switch ManifestLoader.load(file: file, pluginsDirectory: directories.plugins) {
            case .failure(let f):
                failExternally(id, errors: f.violations.map { "\(f.file): \($0)" }, revision: record?.revision ?? 0)
            case .success(let manifest):
                let others = activeManifests().filter { $0.id != id }
                let (_, failures) = PluginSet.order(others + [manifest])
                if let violations = failures[id] {
                    failExternally(id, errors: violations.map { "Manifests/\(id).json: \($0)" }, revision: record?.revision ?? 0)
                } else {
                    activateExternally(manifest, enabled: record?.enabled ?? true, settings: record?.settings ?? [:], revision: record?.revision ?? 0)
                }
            }
        }
        audit.record(actor: actor, action: "plugin.reload", target: id, address: address)
        return list().first { $0.id == id }
    }

    /// Enables and loads a plugin.
    @discardableResult
    public func enable(_ id: String, actor: String = "kernel", address: String = "") throws -> PluginInfo? {
        try persistEnabled(id, true)
        audit.record(actor: actor, action: "plugin.enable", target: id, address: address)
        return reload(id, actor: actor, address: address)
    }

    /// Disables a plugin: its routes answer 404 from now on.
    public func disable(_ id: String, actor: String = "kernel", address: String = "") throws {
        try persistEnabled(id, false)
        lifecycleLock { markDisabled(id) }
        audit.record(actor: actor, action: "plugin.disable", target: id, address: address)
    }

    private func persistEnabled(_ id: String, _ enabled: Bool) throws {
        guard discover().contains(id) || list().contains(where: { $0.id == id }) else {
            throw LifecycleError(message: "no plugin '\(id)' (no Manifests/\(id).json)")
        }
        try states.setEnabled(id, enabled)
    }

    /// Applies changes other processes (the `klik plugin` command) wrote to the database.
    public func applyExternalChanges() {
        guard let records = try? states.all() else { return }
        for (id, record) in records.sorted(by: { $0.key < $1.key }) {
            if let only, !only.contains(id) { continue }
            let current = list().first { $0.id == id }
            let seen = seenRevision(id)
            if record.revision > seen {
                reload(id, actor: "cli")
            } else if let current, current.enabled != record.enabled {
                if record.enabled { reload(id, actor: "cli") } else { lifecycleLock { markDisabled(id) } }
            } else if current == nil, record.enabled, discover().contains(id), record.revision > 0 {
                reload(id, actor: "cli")
            }
        }
    }
}
