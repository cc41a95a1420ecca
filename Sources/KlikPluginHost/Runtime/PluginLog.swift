import Foundation
import KlikCore
import Synchronization

/// A plugin's log: kernel log lines tagged with the plugin id, rate-limited per plugin so a
/// flooding plugin cannot drown the kernel's log (at most `perSecond` lines, then one summary per call or second).
final class PluginLog: Sendable {
    let plugin: String
    let logger: Logger
    let perSecond: Int
    private struct Window { var second: Int64 = 0; var count = 0; var dropped = 0 }
    private let window = Mutex(Window())

    init(plugin: String, logger: Logger, perSecond: Int = 50) {
        self.plugin = plugin
        self.logger = logger
        self.perSecond = perSecond
    }

    func write(_ level: LogLevel, _ message: String, _ fields: [(String, LogValue)] = [], requestId: String? = nil) {
        guard level >= logger.minimumLevel else { return }
        let now = Int64(Monotonic.nanoseconds() / 1_000_000_000)
        let (allowed, droppedBefore) = window.withLock { w -> (Bool, Int) in
            var dropped = 0
            if w.second != now {
                dropped = w.dropped
                w = Window(second: now, count: 0, dropped: 0)
            }
            w.count += 1
            if w.count > perSecond { w.dropped += 1; return (false, dropped) }
            return (true, dropped)
        }
        if droppedBefore > 0 {
            logger.warn("plugin log lines dropped", [("plugin", .string(plugin)), ("dropped", .int(droppedBefore))])
        }
        guard allowed else { return }
        var all: [(String, LogValue)] = [("plugin", .string(plugin))]
        if let requestId { all.append(("request_id", .string(requestId))) }
        all.append(contentsOf: fields)
        logger.log(level, String(message.prefix(4000)), all)
    }

    /// Reports the lines dropped so far in this window now (the end of each call), so a flood
    /// followed by silence still leaves its summary instead of waiting for the next line.
    func flushDropped() {
        let dropped = window.withLock { w -> Int in
            defer { w.dropped = 0 }
            return w.dropped
        }
        guard dropped > 0 else { return }
        logger.warn("plugin log lines dropped", [("plugin", .string(plugin)), ("dropped", .int(dropped))])
    }
}
