import Foundation
import KlikCore

/// A sliding one-minute window per sender on the kernel clock, so one plugin cannot flood the
/// inboxes and channels of everyone else. Kept in memory: a restart starts a fresh window.
final class PluginQuota: @unchecked Sendable {
    private let lock = NSLock()
    private var sent: [String: [Date]] = [:]
    private let clock: any Clock
    private let perMinute: Int

    init(clock: any Clock, perMinute: Int) {
        self.clock = clock
        self.perMinute = perMinute
    }

    /// Takes one unit for `sender` or throws a quota error saying when to try again.
    func take(_ sender: String) throws(NotifyError) {
        let now = clock.now()
        let refused: Int? = lock.withLock {
            var times = sent[sender, default: []]
            times.removeAll { now.timeIntervalSince($0) >= 60 }
            if times.count >= perMinute {
                sent[sender] = times
                return Int((60 - now.timeIntervalSince(times[0])).rounded(.up))
            }
            times.append(now)
            sent[sender] = times
            return nil
        }
        if let wait = refused {
            throw NotifyError("klik.notify: quota exceeded: plugin '\(sender)' may send \(perMinute) notifications per minute; try again in \(max(1, wait)) s",
                              isQuota: true)
        }
    }

    /// Gives back a unit taken for a notification that was then not accepted.
    func refund(_ sender: String) {
        lock.withLock { _ = sent[sender]?.popLast() }
    }
}
