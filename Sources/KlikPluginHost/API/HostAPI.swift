import Foundation
import KlikAuth
import KlikCore
import KlikHTTP
import KlikLua
import KlikNotify
import KlikStorage

/// What one plugin state needs to answer `klik.*` calls. The `call` context changes per call;
/// a state is used by one thread at a time, so it needs no lock.
final class CallContext: @unchecked Sendable {
    var transaction: WriteTransaction?
    var requestId = "-"
    /// Notifications accepted inside the open transaction; published when it commits.
    var pendingNotifications: [AcceptedNotification] = []
    /// Work to do once the open transaction committed (removing files no longer referenced).
    var afterCommit: [() -> Void] = []
    /// The current request's uploaded files; `req.files[i].handle` names them ("upload-<i>").
    var uploads: [MultipartFile] = []

    /// Rolls back a transaction the plugin left open (an error or budget stop mid-transaction).
    func finish() -> Bool {
        pendingNotifications = []
        afterCommit = []
        uploads = []
        guard let tx = transaction else { return false }
        tx.rollback()
        transaction = nil
        return true
    }
}

/// Installs the raw host functions a plugin is permitted into `__klik_host.*`; the prelude builds
/// the public `klik` table from them.
struct HostAPI {
    let runtime: PluginRuntime
    let context: CallContext

    func install(into sandbox: LuaSandbox) throws {
        let manifest = runtime.manifest
        let granted = manifest.permissions.map(\.rawValue)
        try sandbox.installHostTable("__klik_host.meta", functions: [:], values: [
            "id": .string(manifest.id), "version": .string(manifest.version.description),
            "permissions": granted.isEmpty ? .table([:]) : .array(granted.map { .string($0) }),
        ])
        try sandbox.installHostTable("__klik_host.log", functions: logFunctions())
        try sandbox.installHostTable("__klik_host.time", functions: timeFunctions())
        try sandbox.installHostTable("__klik_host.json", functions: jsonFunctions())
        try sandbox.installHostTable("__klik_host.settings", functions: settingsFunctions())
        try sandbox.installHostTable("__klik_host.kernel", functions: kernelFunctions())
        if manifest.permissions.contains(.storage), let store = runtime.store {
            try sandbox.installHostTable("__klik_host.db", functions: dbFunctions(store), writing: [
                "get": { [context, log = runtime.pluginLog] args in try HostAPI.storage(log, context) { try store.get(args, tx: context.transaction) } },
            ])
        }
        if manifest.permissions.contains(.notify), let notifier = runtime.notifier {
            try sandbox.installHostTable("__klik_host.notify", functions: NotifyAPI.functions(notifier: notifier, plugin: manifest.id, context: context))
        }
        if manifest.permissions.contains(.files), let files = runtime.files {
            try sandbox.installHostTable("__klik_host.files", functions: FilesHostAPI(runtime: runtime, context: context, store: files).functions())
        }
        if manifest.permissions.contains(.usersRead), let directory = runtime.directory {
            try sandbox.installHostTable("__klik_host.users", functions: UserLookup.functions(users: directory.users, agencies: directory.agencies))
        }
        if let timers = runtime.timers {
            let time = SLAHostAPI(runtime: runtime, context: context, timers: timers)
            if manifest.permissions.contains(.sla) { try sandbox.installHostTable("__klik_host.sla", functions: time.slaFunctions()) }
            if manifest.permissions.contains(.schedule) { try sandbox.installHostTable("__klik_host.schedule", functions: time.scheduleFunctions()) }
        }
        try sandbox.runTrusted(source: Prelude.source, chunkName: "klik-prelude")
    }

    private func logFunctions() -> [String: LuaHostFunction] {
        let logger = runtime.pluginLog
        var functions: [String: LuaHostFunction] = [:]
        for level in LogLevel.allCases {
            functions[level.name] = { [context] args in
                guard let message = args.first?.stringValue else { throw LuaHostError("klik.log.\(level.name): message (a string) expected") }
                var fields: [(String, LogValue)] = []
                if args.count > 1, case .table(let extra) = args[1] {
                    for (k, v) in extra.sorted(by: { $0.key < $1.key }).prefix(20) {
                        switch v {
                        case .integer(let i): fields.append((k, .int(Int(i))))
                        case .number(let d): fields.append((k, .double(d)))
                        case .bool(let b): fields.append((k, .bool(b)))
                        default: fields.append((k, .string(String((v.stringValue ?? JSONWriter.string(LuaJSON.json(v))).prefix(1000)))))
                        }
                    }
                }
                logger.write(level, message, fields, requestId: context.requestId)
                return []
            }
        }
        return functions
    }

    private func timeFunctions() -> [String: LuaHostFunction] {
        let clock = runtime.clock
        return [
            "now": { _ in [.number((clock.now().timeIntervalSince1970 * 1000).rounded() / 1000)] },
            "iso": { args in
                let t = args.first.flatMap { v -> Double? in if case .number(let d) = v { return d }; return v.intValue.map(Double.init) }
                return [.string(Timestamp.iso8601(t.map { Date(timeIntervalSince1970: $0) } ?? clock.now()))]
            },
            "today": { _ in
                // The calendar date in WIB (UTC+7), the regency's time zone.
                let wib = clock.now().addingTimeInterval(7 * 3600)
                return [.string(String(Timestamp.iso8601(wib).prefix(10)))]
            },
        ]
    }

    private func jsonFunctions() -> [String: LuaHostFunction] {
        [
            "encode": { args in [.string(JSONWriter.string(LuaJSON.json(args.first ?? .nil_)))] },
            "decode": { args in
                guard let text = args.first?.stringValue else { throw LuaHostError("klik.json.decode: a string expected") }
                do { return [LuaJSON.lua(try JSONParser.parse(text))] } catch { throw LuaHostError("\(error)") }
            },
        ]
    }

    private func settingsFunctions() -> [String: LuaHostFunction] {
        let settings = runtime.settings
        return [
            "get": { args in
                guard let key = args.first?.stringValue else { throw LuaHostError("klik.settings.get: a setting name expected") }
                guard let value = settings[key] else { throw LuaHostError("klik.settings.get: no setting '\(key)' in the manifest") }
                return [LuaJSON.lua(value)]
            },
            "all": { _ in [LuaJSON.lua(.object(settings))] },
        ]
    }

    private func kernelFunctions() -> [String: LuaHostFunction] {
        let runtime = runtime
        return ["denied": { args in
            runtime.audit("plugin.permission_denied", detail: ["capability": .string(args.first?.stringValue ?? "?")])
            return []
        }]
    }

    /// Storage failures reach the plugin as catchable Lua errors: constraint violations name the
    /// constraint (never values); anything else is logged and reported generically.
    private static func storage<T>(_ log: PluginLog, _ context: CallContext, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StorageError {
            if error.isConstraintViolation { throw LuaHostError("klik.db: \(error.message)") }
            log.write(.error, "storage error", [("error", .string(error.message))], requestId: context.requestId)
            throw LuaHostError(error.isBusy ? "klik.db: database busy, try again" : "klik.db: storage error")
        }
    }

    private func dbFunctions(_ store: CollectionStore) -> [String: LuaHostFunction] {
        let context = context
        let database = store.database
        let log = runtime.pluginLog
        let notifier = runtime.notifier
        return [
            "insert": { args in try HostAPI.storage(log, context) { try store.insert(args, tx: context.transaction) } },
            "update": { args in try HostAPI.storage(log, context) { try store.update(args, tx: context.transaction) } },
            "delete": { args in try HostAPI.storage(log, context) { try store.delete(args, tx: context.transaction) } },
            "find": { args in try HostAPI.storage(log, context) { try store.find(args, tx: context.transaction) } },
            "count": { args in try HostAPI.storage(log, context) { try store.count(args, tx: context.transaction) } },
            "_begin": { _ in
                guard context.transaction == nil else { throw LuaHostError("klik.db.transaction cannot be nested") }
                context.transaction = try database.beginWrite()
                return []
            },
            "_commit": { _ in
                let after = context.afterCommit
                defer { context.transaction = nil; context.pendingNotifications = []; context.afterCommit = [] }
                try context.transaction?.commit()
                for accepted in context.pendingNotifications { notifier?.published(accepted) }
                for work in after { work() }
                return []
            },
            "_rollback": { _ in
                context.pendingNotifications = []
                context.afterCommit = []
                context.transaction?.rollback()
                context.transaction = nil
                return []
            },
        ]
    }
}
