import Foundation
import KlikAuth
import KlikCore
import KlikFiles
import KlikHTTP
import KlikLua
import KlikNotify
import KlikSLA
import KlikStorage

/// Counters of one plugin, kept across reloads.
final class PluginStats: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var requests = 0
    private(set) var errors = 0
    private(set) var budgetTrips = 0
    private var recentTrips: [UInt64] = []

    func request(failed: Bool) {
        lock.withLock {
            requests += 1
            if failed { errors += 1 }
        }
    }

    /// Records a budget trip; answers how many happened in the last `window` seconds.
    func trip(window: Double = 60) -> Int {
        lock.withLock {
            budgetTrips += 1
            let now = Monotonic.nanoseconds()
            recentTrips.append(now)
            recentTrips.removeAll { Double(now - $0) / 1e9 > window }
            return recentTrips.count
        }
    }

    var snapshot: (requests: Int, errors: Int, budgetTrips: Int) { lock.withLock { (requests, errors, budgetTrips) } }
}

/// One loaded version of a plugin: its manifest, routes, storage and a pool of Lua states (one
/// per concurrent caller; a state is never shared between plugins nor used by two threads at once).
/// A reload builds a new runtime; requests in flight finish on the old one.
public final class PluginRuntime: @unchecked Sendable {
    public let manifest: PluginManifest
    public let folder: URL
    let clock: any Clock
    let logger: Logger
    let pluginLog: PluginLog
    let store: CollectionStore?
    let settings: [String: JSONValue]
    let limits: LuaLimits
    let stats: PluginStats
    /// Read-only user and OPD lookups for plugins with `users:read`.
    let directory: (users: UserStore, agencies: AgencyStore)?
    /// `klik.notify` for plugins with `notify`; set by the registry right after building.
    var notifier: Notifier?
    /// `klik.files` for plugins with `files`; set by the registry right after building.
    var files: FileStore?
    let auditSink: @Sendable (String, String, [String: JSONValue]) -> Void
    /// SLA clocks and scheduled jobs (`klik.sla`, `klik.schedule`); nil when the kernel runs without them.
    let timers: TimerService?
    /// Names of the functions main.lua's table defines (known after `prepare`).
    private(set) var moduleFunctions: Set<String> = []
    private(set) var router: Router!
    /// Where the plugin's routes are served: `/api/v1/<id>`.
    let mountPath: String
    private let poolLock = NSLock()
    private var idle: [PluginState] = []
    private let maxIdle: Int

    init(manifest: PluginManifest, folder: URL, database: Database, clock: any Clock, logger: Logger,
         settings: [String: JSONValue], stats: PluginStats, maxIdle: Int,
         directory: (users: UserStore, agencies: AgencyStore)? = nil,
         audit: @escaping @Sendable (String, String, [String: JSONValue]) -> Void, timers: TimerService? = nil) {
        self.manifest = manifest
        self.timers = timers
        self.folder = folder
        self.clock = clock
        self.logger = logger
        self.settings = settings
        self.stats = stats
        self.directory = directory
        self.maxIdle = maxIdle
        self.auditSink = audit
        pluginLog = PluginLog(plugin: manifest.id, logger: logger)
        mountPath = "/api/v1/" + manifest.id
        var limits = LuaLimits()
        if let cpu = manifest.limits.cpuMilliseconds { limits.callBudget = .milliseconds(cpu) }
        if let mb = manifest.limits.memoryMegabytes { limits.memoryBytes = mb << 20 }
        self.limits = limits
        let id = manifest.id
        store = manifest.collections.isEmpty ? nil : CollectionStore(
            plugin: id, collections: manifest.collections, database: database, clock: clock,
            onForeignAccess: { name in audit("plugin.permission_denied", id, ["collection": .string(name)]) })
        var routes = Router.Builder()
        for spec in manifest.routes {
            routes.add(spec.method, spec.path) { [weak self] request in
                guard let self else { throw KlikError.unavailable("Plugin sedang dimuat ulang / plugin is reloading") }
                return try self.handle(spec, request)
            }
        }
        router = routes.build()
    }

    func audit(_ action: String, detail: [String: JSONValue]) { auditSink(action, manifest.id, detail) }

    /// Builds a state and checks every route handler exists; the first state is kept for requests.
    func prepare() throws {
        let state = try makeState()
        let names = Set(state.sandbox.moduleFunctionNames)
        moduleFunctions = names
        let missing = manifest.routes.map(\.handler).filter { !names.contains($0) }
        if !missing.isEmpty {
            throw LuaError(kind: .notFound, message: "main.lua does not define handler(s) " + Set(missing).sorted().joined(separator: ", "))
        }
        checkin(state)
    }

    func makeState() throws -> PluginState {
        let context = CallContext()
        let log = pluginLog
        let sandbox = try LuaSandbox(name: manifest.id, limits: limits, moduleRoot: folder) { level, line in
            log.write(level, line, requestId: context.requestId)
        }
        try HostAPI(runtime: self, context: context).install(into: sandbox)
        try sandbox.loadModule(file: folder.appendingPathComponent("main.lua"))
        return PluginState(sandbox: sandbox, context: context)
    }

    /// A sandbox with this plugin's `klik` API and module folder but without its `main.lua`:
    /// what `klik plugin test` runs test files in.
    public func makeTestSandbox(limits: LuaLimits, extra: (LuaSandbox) throws -> Void) throws -> LuaSandbox {
        let context = CallContext()
        let log = pluginLog
        let sandbox = try LuaSandbox(name: manifest.id + "-test", limits: limits, moduleRoot: folder) { level, line in
            log.write(level, line, requestId: "test")
        }
        try extra(sandbox)
        try HostAPI(runtime: self, context: context).install(into: sandbox)
        return sandbox
    }

    func checkout() throws -> PluginState {
        if let state = poolLock.withLock({ idle.popLast() }) { return state }
        return try makeState()
    }

    func checkin(_ state: PluginState) {
        guard !state.sandbox.isPoisoned else { return }
        poolLock.withLock { if idle.count < maxIdle { idle.append(state) } }
    }

    var idleStates: Int { poolLock.withLock { idle.count } }

    /// Memory held by the idle states' Lua allocators.
    var memoryInUse: Int { poolLock.withLock { idle.reduce(0) { $0 + $1.sandbox.memoryInUse } } }

    /// Calls a module function with a state from the pool; poisoned states are discarded.
    func call(_ function: String, _ args: [LuaValue], requestId: String, uploads: [MultipartFile] = []) throws -> [LuaValue] {
        try call(function, LuaValueWriter(args), requestId: requestId, uploads: uploads)
    }

    func call(_ function: String, _ arguments: LuaValueWriter, requestId: String, uploads: [MultipartFile] = []) throws -> [LuaValue] {
        let state = try checkout()
        state.context.requestId = requestId
        state.context.uploads = uploads
        defer {
            if state.context.finish() {
                pluginLog.write(.warn, "transaction left open was rolled back", requestId: requestId)
            }
            state.context.requestId = "-"
            checkin(state)
            pluginLog.flushDropped()
        }
        return try state.sandbox.call(function, arguments: arguments)
    }

    func handle(_ spec: RouteSpec, _ request: HTTPRequest) throws -> HTTPResponse {
        let caller = request.authCaller
        try AccessPolicy.check(spec.access, caller)
        let converted = try RequestConversion.arguments(request, pluginPrefix: mountPath, user: AccessPolicy.luaUser(caller),
                                                        apiKey: AccessPolicy.luaAPIKey(caller))
        do {
            let results = try call(spec.handler, converted.arguments, requestId: request.requestId, uploads: converted.uploads)
            let serve: ((String) -> HTTPResponse)? = files.map { store in
                { [manifest, pluginLog] id in FileResponses.serve(id, plugin: manifest.id, store: store, request: request, log: pluginLog) }
            }
            let response = try ResponseConversion.response(results.first ?? .nil_, serveFile: serve)
            stats.request(failed: response.status >= 500)
            return response
        } catch let error as LuaError {
            stats.request(failed: true)
            return try failure(error, spec: spec, request: request)
        } catch let error as ResponseConversion.Invalid {
            stats.request(failed: true)
            pluginLog.write(.error, "handler \(spec.handler) returned an invalid response: \(error.message)", requestId: request.requestId)
            throw KlikError(status: 500, code: "plugin_error", message: "Plugin gagal / the plugin failed; see the plugin log with the request id")
        }
    }

    /// Maps a Lua failure to a client error; details go to the plugin log, never to the client.
    private func failure(_ error: LuaError, spec: RouteSpec, request: HTTPRequest) throws -> HTTPResponse {
        var fields: [(String, LogValue)] = [("handler", .string(spec.handler)), ("kind", .string("\(error.kind)"))]
        if let tb = error.traceback { fields.append(("traceback", .string(tb))) }
        pluginLog.write(.error, error.message, fields, requestId: request.requestId)
        switch error.kind {
        case .budgetExceeded:
            onBudgetTrip()
            throw KlikError(status: 503, code: "plugin_budget_exceeded",
                            message: "Plugin melebihi batas waktu / the plugin exceeded its time budget")
        case .outOfMemory:
            onBudgetTrip()
            throw KlikError(status: 503, code: "plugin_out_of_memory",
                            message: "Plugin melebihi batas memori / the plugin exceeded its memory limit")
        default:
            throw KlikError(status: 500, code: "plugin_error", message: "Plugin gagal / the plugin failed; see the plugin log with the request id")
        }
    }

    /// Set by the registry: called after each budget trip with the count in the last minute.
    var onTrip: (@Sendable (Int) -> Void)?

    private func onBudgetTrip() {
        let recent = stats.trip()
        onTrip?(recent)
    }
}

/// A Lua state of a plugin and its per-call context.
final class PluginState {
    let sandbox: LuaSandbox
    let context: CallContext
    init(sandbox: LuaSandbox, context: CallContext) {
        self.sandbox = sandbox
        self.context = context
    }
}
