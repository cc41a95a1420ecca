import Foundation
import KlikCore

/// Runs a claimed job (the plugin host calls the plugin's module function); answers an error text or nil.
public protocol ScheduledJobRunner: Sendable {
    func run(_ job: ScheduledJob) -> String?
}

/// Claims due jobs and runs them; ticks are serialized.
public final class ScheduleEngine: @unchecked Sendable {
    public let store: ScheduleStore
    let clock: any Clock
    let logger: Logger?
    private let lock = NSLock()
    private var runner: (any ScheduledJobRunner)?
    public var batchSize = 100

    public init(store: ScheduleStore, clock: any Clock, logger: Logger? = nil) {
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    public func set(runner: any ScheduledJobRunner) { lock.withLock { self.runner = runner } }

    /// Runs every job due by the clock's now; answers how many ran.
    @discardableResult
    public func tick() throws -> Int {
        lock.lock()
        defer { lock.unlock() }
        let now = Int64(clock.now().timeIntervalSince1970.rounded(.down))
        var ran = 0
        while true {
            let jobs = try store.claimDue(now: now, limit: batchSize)
            for job in jobs {
                let error: String? = runner.map { $0.run(job) } ?? "no job runner"
                if let error { logger?.warn("scheduled job failed", [("plugin", .string(job.plugin)), ("handler", .string(job.handler)), ("error", .string(error))]) }
                try store.finish(job, error: error)
                ran += 1
            }
            if jobs.count < batchSize { return ran }
        }
    }
}
