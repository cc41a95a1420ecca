import Foundation
import KlikCore

/// Reads `KernelConfiguration` from command-line flags over environment variables over defaults,
/// and validates it with messages that name the flag.
public enum ConfigurationLoader {
    public struct Failure: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Flags that take a value, with their environment variable.
    static let valueFlags: [(flag: String, env: String)] = [
        ("--host", "KLIK_HOST"), ("--port", "KLIK_PORT"), ("--data", "KLIK_DATA"),
        ("--manifests", "KLIK_MANIFESTS"), ("--plugins", "KLIK_PLUGINS"), ("--log-level", "KLIK_LOG_LEVEL"),
    ]

    /// Parses `arguments` (flags only, the command already removed). Unknown flags are errors;
    /// positional arguments are returned for the command to use.
    public static func load(arguments: [String], environment: [String: String],
                            allowDev: Bool = false) throws(Failure) -> (KernelConfiguration, positional: [String]) {
        var values: [String: String] = [:]
        for (flag, env) in valueFlags { if let v = environment[env], !v.isEmpty { values[flag] = v } }
        var dev = environment["KLIK_DEV"] == "1"
        var positional: [String] = []
        var i = 0
        while i < arguments.count {
            let arg = arguments[i]
            if arg == "--dev" && allowDev {
                dev = true
            } else if let eq = arg.firstIndex(of: "="), arg.hasPrefix("--"), valueFlags.contains(where: { $0.flag == String(arg[..<eq]) }) {
                values[String(arg[..<eq])] = String(arg[arg.index(after: eq)...])
            } else if valueFlags.contains(where: { $0.flag == arg }) {
                guard i + 1 < arguments.count else { throw Failure(message: "\(arg): nilai hilang / missing value") }
                values[arg] = arguments[i + 1]
                i += 1
            } else if arg.hasPrefix("-") && arg != "-" {
                throw Failure(message: "\(arg): opsi tidak dikenal / unknown option")
            } else {
                positional.append(arg)
            }
            i += 1
        }

        var config = KernelConfiguration()
        config.developmentMode = dev
        if let host = values["--host"] { config.host = host }
        if let port = values["--port"] {
            guard let p = Int(port), (0...65535).contains(p) else {
                throw Failure(message: "--port: '\(port)' bukan nomor port 0–65535 / is not a port number 0–65535")
            }
            config.port = p
        }
        if let data = values["--data"] { config.dataDirectory = data }
        if let manifests = values["--manifests"] { config.manifestsDirectory = manifests }
        if let plugins = values["--plugins"] { config.pluginsDirectory = plugins }
        if let level = values["--log-level"] {
            guard let l = LogLevel(name: level) else {
                throw Failure(message: "--log-level: '\(level)' harus debug, info, warn atau error / must be debug, info, warn or error")
            }
            config.logLevel = l
        }
        config.http.host = config.host
        config.http.port = config.port
        try loadNotify(environment, into: &config.notify)
        return (config, positional)
    }

    /// Creates the data folder if needed and checks that it is writable.
    public static func prepareDataDirectory(_ path: String) throws(Failure) {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw Failure(message: "--data: \(path) bukan folder / is not a folder") }
        } else {
            do { try fm.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
                throw Failure(message: "--data: folder \(path) tidak dapat dibuat / cannot be created")
            }
        }
        let probe = (path as NSString).appendingPathComponent(".klik-write-test-\(getpid())")
        guard fm.createFile(atPath: probe, contents: Data()) else {
            throw Failure(message: "--data: folder \(path) tidak dapat ditulisi / is not writable")
        }
        try? fm.removeItem(atPath: probe)
    }
}
