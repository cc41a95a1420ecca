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
    /// One line as UTF-8 bytes without the newline (the logger's own path; avoids a String).
    func write(bytes: [UInt8])
}

extension LogSink {
    public func write(bytes: [UInt8]) { write(String(decoding: bytes, as: UTF8.self)) }
}

/// Writes each line to standard error in one `write(2)` so lines from threads never interleave.
public struct StandardErrorSink: LogSink {
    public init() {}

    /// Writes all of `bytes` to file descriptor 2, retrying short writes.
    static func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buf in
            var offset = 0
            while offset < buf.count {
                let n = Foundation.write(2, buf.baseAddress! + offset, buf.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }

    public func write(_ line: String) { write(bytes: Array(line.utf8)) }
    public func write(bytes line: [UInt8]) {
        var bytes = line
        bytes.append(10)
        StandardErrorSink.writeAll(bytes)
    }
}

/// Standard error through a buffer: lines are collected and written by a background thread every
/// 50 ms (or at once when 64 KiB are waiting), so a busy server does not pay a system call per
/// request line. `flush()` writes what is pending (called at shutdown).
public final class BufferedStandardErrorSink: LogSink, @unchecked Sendable {
    private let lock = NSCondition()
    private var pending: [UInt8] = []
    private var stopped = false
    private static let flushBytes = 64 << 10

    public init() {
        let thread = Thread { [weak self] in
            while let self, !self.isStopped {
                self.lock.lock()
                _ = self.lock.wait(until: Date().addingTimeInterval(0.05))
                self.lock.unlock()
                self.flush()
            }
        }
        thread.name = "klik-log-writer"
        thread.start()
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    public func write(_ line: String) { write(bytes: Array(line.utf8)) }

    public func write(bytes: [UInt8]) {
        lock.lock()
        pending.append(contentsOf: bytes)
        pending.append(10)
        let full = pending.count >= BufferedStandardErrorSink.flushBytes
        lock.unlock()
        if full { flush() }
    }

    public func flush() {
        lock.lock()
        let bytes = pending
        pending.removeAll(keepingCapacity: true)
        lock.unlock()
        guard !bytes.isEmpty else { return }
        StandardErrorSink.writeAll(bytes)
    }

    public func stop() {
        lock.withLock { stopped = true }
        flush()
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
        // Built as bytes in one buffer: a log line is written for every request.
        var out: [UInt8] = []
        out.reserveCapacity(320)
        out.append(contentsOf: "{\"ts\":\"".utf8)
        out.append(contentsOf: Timestamp.iso8601(clock.now()).utf8)
        out.append(contentsOf: "\",\"level\":\"".utf8)
        out.append(contentsOf: level.name.utf8)
        out.append(contentsOf: "\",\"msg\":".utf8)
        JSONText.appendString(message, to: &out)
        for (key, value) in fields {
            out.append(0x2C)
            JSONText.appendString(key, to: &out)
            out.append(0x3A)
            value.append(to: &out)
        }
        out.append(0x7D)
        sink.write(bytes: out)
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

    /// `d` with three decimals (String(format:) is slow on the per-request log path).
    static func fixed3(_ d: Double) -> String {
        let scaled = Int64((abs(d) * 1000).rounded())
        let fraction = String(scaled % 1000)
        return (d < 0 && scaled != 0 ? "-" : "") + String(scaled / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    func append(to out: inout [UInt8]) {
        switch self {
        case .string(let s): JSONText.appendString(s, to: &out)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): out.append(contentsOf: (d.isFinite ? LogValue.fixed3(d) : "null").utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        }
    }
}
