import Foundation
import KlikCore

/// Polls for changes made outside the server: the database (the `klik plugin` command writes
/// there; `PRAGMA data_version` moves only when another connection commits), and in development
/// mode the plugin files themselves. Polling every 250 ms keeps changes visible within a second.
public final class PluginWatcher: @unchecked Sendable {
    let registry: PluginRegistry
    let watchFiles: Bool
    let interval: TimeInterval
    private var thread: Thread?
    private let stopLock = NSCondition()
    private var stopped = false
    private var fingerprints: [String: String] = [:]

    public init(registry: PluginRegistry, watchFiles: Bool, interval: TimeInterval = 0.25) {
        self.registry = registry
        self.watchFiles = watchFiles
        self.interval = interval
    }

    public func start() {
        if watchFiles { fingerprints = currentFingerprints() }
        let initialVersion = registry.database.externalChangeCounter()
        let thread = Thread { [self] in
            var lastVersion = initialVersion
            while !waitForStop() {
                let version = registry.database.externalChangeCounter()
                if version != lastVersion {
                    lastVersion = version
                    registry.applyExternalChanges()
                }
                if watchFiles { reloadChangedPlugins() }
            }
        }
        thread.name = "klik-plugin-watcher"
        thread.start()
        self.thread = thread
    }

    /// Sleeps one interval; answers true once `stop` was called.
    private func waitForStop() -> Bool {
        stopLock.lock()
        defer { stopLock.unlock() }
        if !stopped { _ = stopLock.wait(until: Date().addingTimeInterval(interval)) }
        return stopped
    }

    public func stop() {
        stopLock.lock()
        stopped = true
        stopLock.signal()
        stopLock.unlock()
    }

    private func reloadChangedPlugins() {
        let now = currentFingerprints()
        for (id, print) in now where fingerprints[id] != print {
            registry.logger.info("plugin files changed, reloading", [("plugin", .string(id))])
            registry.reload(id, actor: "dev-watcher")
        }
        fingerprints = now
    }

    /// Per plugin: names, sizes and modification times of its manifest and files.
    func currentFingerprints() -> [String: String] {
        var result: [String: String] = [:]
        let fm = FileManager.default
        for id in registry.discover() {
            var parts: [String] = []
            let manifest = registry.directories.manifests.appendingPathComponent("\(id).json").path
            if let a = try? fm.attributesOfItem(atPath: manifest) { parts.append("m:\(a[.size] ?? 0):\((a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)") }
            let folder = registry.directories.plugins.appendingPathComponent(id)
            if let walker = fm.enumerator(atPath: folder.path) {
                while let name = walker.nextObject() as? String {
                    if let a = try? fm.attributesOfItem(atPath: folder.appendingPathComponent(name).path) {
                        parts.append("\(name):\(a[.size] ?? 0):\((a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)")
                    }
                }
            }
            result[id] = parts.sorted().joined(separator: "|")
        }
        return result
    }
}
