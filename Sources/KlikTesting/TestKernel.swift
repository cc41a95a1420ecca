import Foundation
import KlikCore
import KlikHTTP
import KlikKernel

/// A real kernel, in-process, on a free port, in a temporary folder, with a fake clock and
/// captured logs. Tests talk HTTP to it like a client would. Stop it (or let it deinit) when done.
public final class TestKernel: @unchecked Sendable {
    public let kernel: Kernel
    public let clock: FakeClock
    public let logs: MemorySink
    public let directory: URL
    public let client: TestClient

    /// `manifests`/`plugins` default to empty temporary folders; `configure` adjusts anything else.
    public init(manifests: URL? = nil, plugins: URL? = nil, directory: URL? = nil,
                configure: (inout KernelConfiguration) -> Void = { _ in },
                extraRoutes: @escaping @Sendable (inout Router.Builder) -> Void = { _ in }) throws {
        let dir = try directory ?? TestKernel.temporaryDirectory()
        self.directory = dir
        var config = KernelConfiguration()
        config.port = 0
        config.http.port = 0
        config.http.threads = 2
        config.http.drainSeconds = 2
        config.dataDirectory = dir.appendingPathComponent("data").path
        config.manifestsDirectory = (manifests ?? dir.appendingPathComponent("Manifests")).path
        config.pluginsDirectory = (plugins ?? dir.appendingPathComponent("Plugins")).path
        config.logLevel = .debug
        config.auth.password = .testing // fast hashes; production uses .standard
        configure(&config)
        try FileManager.default.createDirectory(atPath: config.manifestsDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: config.pluginsDirectory, withIntermediateDirectories: true)
        clock = FakeClock()
        logs = MemorySink()
        kernel = try Kernel(configuration: config, clock: clock, logSink: logs, extraRoutes: extraRoutes)
        try kernel.start()
        client = TestClient(port: kernel.port)
    }

    public var port: Int { kernel.port }

    public func stop() { kernel.stop() }

    deinit { kernel.stop() }

    /// A fresh folder under the system's temporary directory.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("klik-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
