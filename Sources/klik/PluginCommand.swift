import Foundation
import KlikCore
import KlikKernel
import KlikPluginHost
import KlikStorage
import KlikTesting

/// `klik plugin new|check|test|list|enable|disable|reload|schema`.
func runPlugin(_ args: [String], _ environment: [String: String]) {
    guard let sub = args.first else { fail("plugin: sebutkan perintah / name a subcommand: new, check, test, list, enable, disable, reload, schema", code: 2) }
    let config: KernelConfiguration
    let ids: [String]
    do {
        (config, ids) = try ConfigurationLoader.load(arguments: Array(args.dropFirst()), environment: environment)
    } catch { fail("\(error)", code: 2) }
    let manifests = URL(fileURLWithPath: config.manifestsDirectory)
    let plugins = URL(fileURLWithPath: config.pluginsDirectory)

    switch sub {
    case "schema":
        print(ManifestSchema.text)
    case "new":
        guard ids.count == 1 else { fail("plugin new: sebutkan satu id / name one plugin id", code: 2) }
        do {
            let created = try PluginScaffold.create(id: ids[0], manifests: manifests, plugins: plugins)
            for file in created { print("created \(file)") }
            print("next: klik plugin check \(ids[0]) && klik plugin test \(ids[0])")
        } catch { fail("plugin new: \(error)") }
    case "check":
        let report = LocalCheck.run(manifests: manifests, plugins: plugins, only: ids.isEmpty ? nil : Set(ids))
        for info in report {
            if info.status == .failed {
                print("✗ \(info.id)")
                for e in info.errors { print("    \(e)") }
            } else {
                print("✓ \(info.id) \(info.version)")
            }
        }
        let missing = ids.filter { id in !report.contains { $0.id == id } }
        for id in missing { print("✗ \(id)\n    Manifests/\(id).json: no such manifest") }
        exit(report.contains { $0.status == .failed } || !missing.isEmpty ? 1 : 0)
    case "test":
        let runner = PluginTestRunner(manifests: manifests, plugins: plugins) { print($0) }
        let summary = runner.run(ids)
        print("\(summary.passed) passed, \(summary.failed) failed")
        exit(summary.failed == 0 ? 0 : 1)
    case "list":
        listPlugins(config: config, manifests: manifests, plugins: plugins)
    case "enable", "disable", "reload":
        guard ids.count == 1 else { fail("plugin \(sub): sebutkan satu id / name one plugin id", code: 2) }
        changePlugin(sub, id: ids[0], config: config, manifests: manifests, plugins: plugins)
    default:
        fail("plugin: perintah tidak dikenal / unknown subcommand '\(sub)'", code: 2)
    }
}

/// Validates and loads plugins into a throw-away database: exactly what the server would do.
enum LocalCheck {
    static func run(manifests: URL, plugins: URL, only: Set<String>?) -> [PluginInfo] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klik-check-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            var config = KernelConfiguration()
            config.dataDirectory = dir.path
            config.manifestsDirectory = manifests.path
            config.pluginsDirectory = plugins.path
            config.logLevel = .error
            config.onlyPlugins = only
            let kernel = try Kernel(configuration: config, logSink: MemorySink())
            kernel.plugins.loadAll()
            defer { kernel.database.close() }
            return kernel.plugins.list()
        } catch {
            fail("plugin check: \(error)")
        }
    }
}

func listPlugins(config: KernelConfiguration, manifests: URL, plugins: URL) {
    let local = LocalCheck.run(manifests: manifests, plugins: plugins, only: nil)
    var records: [String: PluginRecord] = [:]
    if FileManager.default.fileExists(atPath: config.databasePath), let db = try? Database(path: config.databasePath) {
        records = (try? PluginStateStore(database: db, clock: SystemClock()).all()) ?? [:]
        db.close()
    }
    let running = ServerMarker.runningServer(dataDirectory: config.dataDirectory) != nil
    print("ID".padding(toLength: 20, withPad: " ", startingAt: 0) + "VERSION   ENABLED  STATUS")
    for info in local {
        let record = records[info.id]
        let enabled = record?.enabled ?? true
        let status = running ? (record?.status ?? "unknown") : (info.status == .failed ? "failed" : (enabled ? "ok" : "disabled"))
        print(info.id.padding(toLength: 20, withPad: " ", startingAt: 0) + info.version.padding(toLength: 10, withPad: " ", startingAt: 0)
              + (enabled ? "yes" : "no").padding(toLength: 9, withPad: " ", startingAt: 0) + status)
        for e in info.errors { print("    \(e)") }
        if running, let record, !record.error.isEmpty, info.errors.isEmpty { print("    server: \(record.error)") }
    }
    if !running { print("(no server is running on \(config.dataDirectory); status is from a local check)") }
}

func changePlugin(_ action: String, id: String, config: KernelConfiguration, manifests: URL, plugins: URL) {
    guard FileManager.default.fileExists(atPath: manifests.appendingPathComponent("\(id).json").path) else {
        fail("plugin \(action): Manifests/\(id).json tidak ada / no such manifest")
    }
    do {
        try ConfigurationLoader.prepareDataDirectory(config.dataDirectory)
        let db = try Database(path: config.databasePath)
        defer { db.close() }
        try KernelMigrations.apply(to: db)
        let store = PluginStateStore(database: db, clock: SystemClock())
        var revision: Int64 = -1
        switch action {
        case "enable": try store.setEnabled(id, true); revision = try store.requestReload(id)
        case "disable": try store.setEnabled(id, false)
        default: revision = try store.requestReload(id)
        }
        let audit = AuditLog(database: db, clock: SystemClock(), logger: Logger(minimumLevel: .error))
        audit.recordNow(actor: "cli:\(ProcessInfo.processInfo.environment["USER"] ?? "root")", action: "plugin.\(action)", target: id)
        guard ServerMarker.runningServer(dataDirectory: config.dataDirectory) != nil else {
            print("\(id): \(action) saved; no server is running on \(config.dataDirectory) — it applies when the server starts")
            if action != "disable" { reportLocal(id, manifests: manifests, plugins: plugins) }
            return
        }
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if let r = try store.record(id) {
                let done = action == "disable" ? r.status == "disabled" : r.loadedRevision >= revision
                if done {
                    print("\(id): \(r.status)\(r.version.isEmpty ? "" : " " + r.version)")
                    if !r.error.isEmpty { print("    " + r.error.replacingOccurrences(of: "\n", with: "\n    ")); exit(1) }
                    return
                }
            }
            usleep(100_000)
        }
        fail("plugin \(action): saved, but the running server did not confirm within 5 s")
    } catch {
        fail("plugin \(action): \(error)")
    }
}

private func reportLocal(_ id: String, manifests: URL, plugins: URL) {
    if let info = LocalCheck.run(manifests: manifests, plugins: plugins, only: [id]).first(where: { $0.id == id }), info.status == .failed {
        print("warning: \(id) does not load:")
        for e in info.errors { print("    \(e)") }
        exit(1)
    }
}
