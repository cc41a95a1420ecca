import CMicroHTTPD
import Foundation
import KlikCore
import Synchronization

/// Turns a request into a response; `route` labels metrics (the matched pattern, not the raw path).
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest) -> (response: HTTPResponse, route: String)
}

/// The HTTP/1.1 server on GNU libmicrohttpd's internal epoll thread pool. Owns the daemon handle.
public final class HTTPServer: @unchecked Sendable {
    public let options: HTTPServerOptions
    public let metrics: HTTPMetrics
    public private(set) var port: Int = 0
    let responder: any HTTPResponder
    let logger: Logger
    let requestIds = RequestIDGenerator()
    let deferredPool: DeferredWorkPool
    let openStreams = OpenStreams()
    private let lock = NSLock()
    private var daemon: OpaquePointer?

    public init(options: HTTPServerOptions, responder: any HTTPResponder, metrics: HTTPMetrics = HTTPMetrics(), logger: Logger) {
        self.options = options
        self.responder = responder
        self.metrics = metrics
        self.logger = logger
        deferredPool = DeferredWorkPool(concurrency: options.deferredConcurrency, queueLimit: options.deferredQueueLimit)
    }

    deinit { stop(drain: false) }

    /// Binds, listens and starts serving. Throws a clear error when the port is taken.
    public func start() throws(KlikError) {
        let socket = try ListenSocket.open(host: options.host, port: options.port, backlog: 1024)
        port = socket.port
        var config = kmhd_config()
        config.flags = UInt32(MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue | MHD_USE_ITC.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue)
        config.listen_fd = socket.fd
        config.thread_pool_size = UInt32(options.threads)
        config.connection_limit = UInt32(options.connectionLimit)
        config.per_ip_connection_limit = UInt32(options.perAddressConnectionLimit)
        config.connection_timeout_seconds = UInt32(options.idleTimeoutSeconds)
        config.connection_memory_limit = options.maxHeaderBytes
        config.thread_stack_size = options.workerStackBytes
        config.completed = requestCompletedCallback
        let context = Unmanaged.passUnretained(self).toOpaque()
        config.completed_cls = context
        guard let handle = kmhd_start(&config, accessHandlerCallback, context) else {
            close(socket.fd)
            throw KlikError(status: 0, code: "config", message: "libmicrohttpd could not start on \(options.host):\(port)")
        }
        lock.withLock { daemon = handle }
    }

    /// Stops accepting, lets in-flight requests finish (up to `drainSeconds`), then stops the daemon.
    public func stop(drain: Bool = true) {
        guard let handle = lock.withLock({ () -> OpaquePointer? in defer { daemon = nil }; return daemon }) else { return }
        let fd = MHD_quiesce_daemon(handle)
        openStreams.endAll() // streams end (and resume) so they can drain
        if drain {
            let deadline = Date().addingTimeInterval(options.drainSeconds)
            while metrics.inFlight > 0 && Date() < deadline { usleep(5_000) }
        }
        // Suspended connections must be resumed before the daemon stops.
        deferredPool.waitUntilIdle()
        MHD_stop_daemon(handle)
        if fd >= 0 { close(fd) }
    }

    public var isRunning: Bool { lock.withLock { daemon != nil } }
}

/// Generates request ids: a random per-process prefix and a counter, cheap and unique.
final class RequestIDGenerator: Sendable {
    private let prefix = String(UInt32.random(in: 0x1000_0000...UInt32.max), radix: 16)
    private let counter = Atomic<UInt64>(0)

    func next() -> String {
        let n = counter.add(1, ordering: .relaxed).newValue
        return prefix + "-" + String(n, radix: 16)
    }

    /// A client-supplied id is kept only if short and made of safe characters.
    static func isAcceptable(_ id: String) -> Bool {
        guard !id.isEmpty, id.utf8.count <= 64 else { return false }
        return id.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F || b == 0x2E
        }
    }
}
