import Foundation
import KlikCore

/// Slows password guessing per account and per client address without locking the owner out
/// for long. Failures are counted in a sliding window (default 15 minutes); past the free
/// allowance (the 10th failure per account, the 30th per address) each failure imposes a wait that doubles from
/// 30 seconds up to a cap of 5 minutes. Attempts refused while waiting are not counted, so an
/// attacker cannot extend the wait beyond the cap, and a correct sign-in clears the account.
/// Kept in memory per node (documented in docs/auth.md); uses the kernel clock.
public final class SignInThrottle: @unchecked Sendable {
    public struct Limits: Sendable {
        public var window: Double = 15 * 60
        public var freePerAccount = 10
        public var freePerAddress = 30
        public var firstDelay: Double = 30
        public var maxDelay: Double = 300
        public init() {}
    }

    struct Track {
        var failures: [Double] = []
        var blockedUntil: Double = 0
    }

    public let limits: Limits
    let clock: any Clock
    private let lock = NSLock()
    private var accounts: [String: Track] = [:]
    private var addresses: [String: Track] = [:]

    public init(clock: any Clock, limits: Limits = Limits()) {
        self.clock = clock
        self.limits = limits
    }

    /// Seconds to wait before another attempt is allowed, or nil when one may try now.
    public func retryAfter(account: String, address: String) -> Int? {
        let now = clock.now().timeIntervalSince1970
        return lock.withLock {
            let wait = max(accounts[account]?.blockedUntil ?? 0, addresses[address]?.blockedUntil ?? 0) - now
            return wait > 0 ? Int(wait.rounded(.up)) : nil
        }
    }

    public func failed(account: String, address: String) {
        let now = clock.now().timeIntervalSince1970
        lock.withLock {
            Self.record(&accounts[account, default: Track()], now: now, free: limits.freePerAccount, limits: limits)
            Self.record(&addresses[address, default: Track()], now: now, free: limits.freePerAddress, limits: limits)
            if accounts.count > 100_000 { prune(now) }
        }
    }

    public func succeeded(account: String) {
        _ = lock.withLock { accounts.removeValue(forKey: account) }
    }

    private static func record(_ track: inout Track, now: Double, free: Int, limits: Limits) {
        track.failures.removeAll { now - $0 >= limits.window }
        track.failures.append(now)
        let excess = track.failures.count - free + 1
        if excess > 0 {
            let delay = min(limits.maxDelay, limits.firstDelay * pow(2, Double(min(excess - 1, 16))))
            track.blockedUntil = now + delay
        }
    }

    private func prune(_ now: Double) {
        accounts = accounts.filter { now - ($0.value.failures.last ?? 0) < limits.window }
        addresses = addresses.filter { now - ($0.value.failures.last ?? 0) < limits.window }
    }
}
