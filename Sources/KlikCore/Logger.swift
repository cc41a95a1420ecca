import Foundation
import Synchronization

/// Severity of a log line, from most to least verbose.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case debug = 0, info, warn, error

    public init?(name: String) {
        switch name.lowercased() {
        case "debug": self = .debug
        case "info": self = .info
        case "warn", "warning": self = .warn
        case "error": self = .error
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .debug: "debug"
        case .info: "info"
        case .warn: "warn"
        case .error: "error"
        }
    }

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}

/// Where finished log lines go: standard error in production, memory in tests.
public protocol LogSink: Sendable {
    func write(_ line: String)
}

/// Writes each line to standard error in one `write(2)` so lines from threads never interleave.
public struct StandardErrorSink: LogSink {
    public init() {}
    public func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(10)
        bytes.withUnsafeBytes { buf in
            var offset = 0
            while offset < buf.count {
                let n = Foundation.write(2, buf.baseAddress! + offset, buf.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}

/// Keeps lines in memory; tests read them back.
public final class MemorySink: LogSink {
    private let storage = Mutex<[String]>([])
    public init() {}
    public func write(_ line: String) { storage.withLock { $0.append(line) } }
    public var lines: [String] { storage.withLock { $0 } }
}

/// A structured logger: one JSON object per line with `ts`, `level`, `msg` and fields.
/// Never pass secrets or personal data as fields.
public struct Logger: Sendable {
    public let minimumLevel: LogLevel
    public let sink: any LogSink
    public let clock: any Clock

    public init(minimumLevel: LogLevel = .info, sink: any LogSink = StandardErrorSink(), clock: any Clock = SystemClock()) {
        self.minimumLevel = minimumLevel
        self.sink = sink
        self.clock = clock
    }

    public func log(_ level: LogLevel, _ message: String, _ fields: [(String, LogValue)] = []) {
        guard level >= minimumLevel else { return }
        var out = "{\"ts\":\"\(Timestamp.iso8601(clock.now()))\",\"level\":\"\(level.name)\",\"msg\":"
        JSONText.appendString(message, to: &out)
        for (key, value) in fields {
            out += ","
            JSONText.appendString(key, to: &out)
            out += ":"
            value.append(to: &out)
        }
        out += "}"
        sink.write(out)
    }

    public func debug(_ m: String, _ f: [(String, LogValue)] = []) { log(.debug, m, f) }
    public func info(_ m: String, _ f: [(String, LogValue)] = []) { log(.info, m, f) }
    public func warn(_ m: String, _ f: [(String, LogValue)] = []) { log(.warn, m, f) }
    public func error(_ m: String, _ f: [(String, LogValue)] = []) { log(.error, m, f) }
}

/// A value in a structured log line.
public enum LogValue: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }

    func append(to out: inout String) {
        switch self {
        case .string(let s): JSONText.appendString(s, to: &out)
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? String(format: "%.3f", d) : "null"
        case .bool(let b): out += b ? "true" : "false"
        }
    }
}
