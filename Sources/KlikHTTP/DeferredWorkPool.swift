import Foundation
import Synchronization

/// Runs deferred responses on a few threads of their own, never on libmicrohttpd's workers,
/// with at most `concurrency` at once and at most `queueLimit` waiting.
final class DeferredWorkPool: @unchecked Sendable {
    private let queue: OperationQueue
    private let pending = Atomic<Int>(0)
    private let queueLimit: Int

    init(concurrency: Int, queueLimit: Int) {
        let q = OperationQueue()
        q.name = "klik.deferred"
        q.maxConcurrentOperationCount = max(1, concurrency)
        queue = q
        self.queueLimit = queueLimit
    }

    /// Number of jobs waiting or running.
    var load: Int { pending.load(ordering: .relaxed) }

    /// Queues `job`; false (and nothing queued) when the queue is full.
    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        let waiting = pending.add(1, ordering: .relaxed).newValue
        guard waiting <= queueLimit + queue.maxConcurrentOperationCount else {
            pending.subtract(1, ordering: .relaxed)
            return false
        }
        queue.addOperation { [self] in
            job()
            pending.subtract(1, ordering: .relaxed)
        }
        return true
    }

    func waitUntilIdle() { queue.waitUntilAllOperationsAreFinished() }
}
