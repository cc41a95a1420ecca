import Foundation
import Synchronization

/// The kernel's notion of "now". Production uses the system clock; tests inject a `FakeClock`.
public protocol Clock: Sendable {
    func now() -> Date
}

public struct SystemClock: Clock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that moves only when told to. Thread-safe.
public final class FakeClock: Clock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_767_225_600)) { // 2026-01-01T00:00:00Z
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    public func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }

    public func set(_ date: Date) { current.withLock { $0 = date } }
}

/// Monotonic time for durations and budgets (never goes backwards, unaffected by the fake clock).
public enum Monotonic {
    public static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}

public enum Timestamp {
    /// RFC 3339 in UTC with milliseconds, e.g. `2026-12-03T15:56:49.123Z`.
    public static func iso8601(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        var secs = time_t(floor(t))
        let millis = min(999, Int((t - floor(t)) * 1000))
        var parts = tm()
        gmtime_r(&secs, &parts)
        // Written by hand: String(format:) costs more than the rest of a log line.
        var out = [UInt8](repeating: 0, count: 24)
        func put(_ value: Int, _ at: Int, _ width: Int) {
            var v = value
            for i in stride(from: at + width - 1, through: at, by: -1) {
                out[i] = UInt8(48 + v % 10)
                v /= 10
            }
        }
        put(Int(parts.tm_year) + 1900, 0, 4); out[4] = 45
        put(Int(parts.tm_mon) + 1, 5, 2); out[7] = 45
        put(Int(parts.tm_mday), 8, 2); out[10] = 84
        put(Int(parts.tm_hour), 11, 2); out[13] = 58
        put(Int(parts.tm_min), 14, 2); out[16] = 58
        put(Int(parts.tm_sec), 17, 2); out[19] = 46
        put(millis, 20, 3); out[23] = 90
        return String(decoding: out, as: UTF8.self)
    }
}
