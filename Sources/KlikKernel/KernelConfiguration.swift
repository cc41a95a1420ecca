import Foundation
import KlikCore
import KlikAuth
import KlikHTTP
import KlikNotify

/// Everything `klik serve` (and the other commands) can be told. A plain value with documented
/// defaults; `ConfigurationLoader` is the one place that reads flags and environment variables.
public struct KernelConfiguration: Sendable {
    /// Listen address (`--host`, `KLIK_HOST`); default `127.0.0.1`.
    public var host = "127.0.0.1"
    /// Listen port (`--port`, `KLIK_PORT`); default 8080; 0 picks a free port.
    public var port = 8080
    /// Folder for the database and files (`--data`, `KLIK_DATA`); default `./data`.
    public var dataDirectory = "data"
    /// Folder of plugin manifests (`--manifests`, `KLIK_MANIFESTS`); default `./Manifests`.
    public var manifestsDirectory = "Manifests"
    /// Folder of plugin code (`--plugins`, `KLIK_PLUGINS`); default `./Plugins`.
    public var pluginsDirectory = "Plugins"
    /// Least severe log level written (`--log-level`, `KLIK_LOG_LEVEL`); default `info`.
    public var logLevel = LogLevel.info
    /// Reload a plugin when its files change (`--dev`, `KLIK_DEV=1`); default off.
    public var developmentMode = false
    /// Load only these plugins and their dependencies (isolated plugin tests); nil loads all.
    public var onlyPlugins: Set<String>?
    /// Run the SLA engine and scheduled jobs on a timer thread every second; plugin tests turn it
    /// off and call `timers.tick()` themselves, so a jump of the fake clock fires nothing behind
    /// the test's back.
    public var timerThread = true
    /// HTTP limits and worker threads.
    public var http = HTTPServerOptions()
    /// Password hashing cost, password rules, session lifetimes, throttling, cookie flags.
    public var auth = AuthOptions()
    /// Notification quotas, retries, heartbeats and the SMTP server (`KLIK_SMTP_*`).
    public var notify = NotifyOptions()

    public init() {}

    public var databasePath: String { (dataDirectory as NSString).appendingPathComponent("klik.db") }
}
