import Foundation
import KlikAuth
import KlikCore
import KlikFiles
import KlikHTTP
import KlikNotify
import KlikPluginHost
import KlikSLA
import KlikStorage

/// The composition root: opens storage, runs migrations, builds routes and starts the HTTP server.
public final class Kernel: @unchecked Sendable {
    public let configuration: KernelConfiguration
    public let clock: any Clock
    public let logger: Logger
    public let database: Database
    public let metrics = HTTPMetrics()
    public let plugins: PluginRegistry
    /// Users, OPDs, sessions, API keys, sign-in.
    public let auth: AuthService
    /// Inbox, live events and the notification outbox.
    public let notifier: Notifier
    /// SLA clocks, their timer engine and scheduled jobs; `timers.tick()` runs them once.
    public let timers: TimerService
    /// Plugins' stored files (`<data>/files`), behind `klik.files`.
    public let files: FileStore
    private var server: HTTPServer?
    private var watcher: PluginWatcher?
    /// Extra native routes (test support and embedding); registered after the kernel's own.
    private let extraRoutes: @Sendable (inout Router.Builder) -> Void

    /// Opens (or creates) the data folder and database and applies the kernel's migrations.
    public init(configuration: KernelConfiguration, clock: any Clock = SystemClock(), logSink: any LogSink = StandardErrorSink(),
                extraRoutes: @escaping @Sendable (inout Router.Builder) -> Void = { _ in }) throws {
        self.configuration = configuration
        self.extraRoutes = extraRoutes
        self.clock = clock
        logger = Logger(minimumLevel: configuration.logLevel, sink: logSink, clock: clock)
        try ConfigurationLoader.prepareDataDirectory(configuration.dataDirectory)
        database = try Database(path: configuration.databasePath)
        try KernelMigrations.migrator.apply(to: database, now: clock.now())
        plugins = PluginRegistry(
            directories: .init(manifests: URL(fileURLWithPath: configuration.manifestsDirectory),
                               plugins: URL(fileURLWithPath: configuration.pluginsDirectory)),
            database: database, clock: clock, logger: logger, statesPerPlugin: configuration.http.threads + 2)
        plugins.only = configuration.onlyPlugins
        auth = AuthService(database: database, clock: clock, options: configuration.auth,
                           audit: { [audit = plugins.audit] actor, action, target, detail, address in
                               audit.record(actor: actor, action: action, target: target, detail: detail, address: address)
                           })
        plugins.directory = (auth.users, auth.agencies)
        notifier = Notifier(database: database, clock: clock, options: configuration.notify, logger: logger)
        plugins.notifier = notifier
        timers = TimerService(database: database, clock: clock, logger: logger)
        plugins.timers = timers
        let handlers = PluginTimerHandlers(registry: plugins)
        timers.engine.add(sink: handlers)
        timers.engine.add(sink: SLANotificationSink(notifier: notifier, logger: logger))
        timers.schedule.set(runner: handlers)
        files = FileStore(root: URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("files"),
                          database: database, clock: clock, logger: logger)
        plugins.files = files
    }

    /// The port actually listened on (useful with port 0).
    public var port: Int { server?.port ?? 0 }

    public func start() throws {
        var routes = Router.Builder()
        KernelRoutes.register(on: &routes, kernel: self)
        extraRoutes(&routes)
        files.sweep()
        plugins.loadAll()
        let dispatcher = PluginDispatcher(registry: plugins)
        let responder = KernelResponder(router: routes.build(), authenticator: auth.authenticator,
                                        fallback: { dispatcher.dispatch($0) }, logger: logger)
        let server = HTTPServer(options: configuration.http, responder: responder, metrics: metrics, logger: logger)
        try server.start()
        self.server = server
        notifier.start()
        let watcher = PluginWatcher(registry: plugins, watchFiles: configuration.developmentMode)
        watcher.start()
        self.watcher = watcher
        if configuration.timerThread { timers.start() }
        try? ServerMarker.write(dataDirectory: configuration.dataDirectory, port: server.port)
        logger.info("klik started", [("host", .string(configuration.http.host)), ("port", .int(server.port)),
                                     ("version", .string(KlikVersion.kernel))])
    }

    /// Stops accepting, finishes in-flight requests, closes storage.
    public func stop() {
        watcher?.stop()
        watcher = nil
        notifier.stop()
        server?.stop(drain: true)
        server = nil
        timers.stop()
        plugins.audit.flush()
        ServerMarker.remove(dataDirectory: configuration.dataDirectory)
        database.close()
        logger.info("klik stopped")
    }
}

/// Routes the kernel itself answers.
enum KernelRoutes {
    static func register(on routes: inout Router.Builder, kernel: Kernel) {
        let health = "{\"status\":\"ok\",\"version\":\(JSONText.quoted(KlikVersion.kernel))}"
        routes.add("GET", "/healthz") { _ in .jsonText(health) }
        routes.add("GET", "/metrics") { [metrics = kernel.metrics, notifier = kernel.notifier] _ in
            .text(metrics.render() + notifier.metricsText(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        AuthRoutes.register(on: &routes, auth: kernel.auth)
        AdminPluginRoutes.register(on: &routes, kernel: kernel)
        AdminUserRoutes.register(on: &routes, auth: kernel.auth)
        AdminKeyAuditRoutes.register(on: &routes, kernel: kernel)
        AdminCalendarRoutes.register(on: &routes, kernel: kernel)
        NotificationRoutes.register(on: &routes, notifier: kernel.notifier)
        ChannelRoutes.register(on: &routes, notifier: kernel.notifier, agencies: kernel.auth.agencies)
        MenuRoutes.register(on: &routes, plugins: kernel.plugins)
        OpenAPIRoutes.register(on: &routes, plugins: kernel.plugins) // last: it lists the routes above
    }
}
