import Foundation
import KlikCore
import Synchronization

/// One thread that sends due deliveries, oldest first, and sleeps until woken (a new
/// notification) or for `pollSeconds` (retries come due on the kernel clock).
final class DeliveryWorker: @unchecked Sendable {
    private let deliveries: DeliveryStore
    private let senders: DeliverySenders
    private let pollSeconds: Double
    private let concurrency: Int
    private let logger: Logger
    private let condition = NSCondition()
    private var woken = false
    private var stopping = false
    private var thread: Thread?
    private let runLock = NSLock()
    private let finished = DispatchSemaphore(value: 0)

    init(deliveries: DeliveryStore, senders: DeliverySenders, pollSeconds: Double, concurrency: Int, logger: Logger) {
        self.concurrency = max(1, concurrency)
        self.deliveries = deliveries
        self.senders = senders
        self.pollSeconds = pollSeconds
        self.logger = logger
    }

    func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "klik.delivery"
        thread.start()
        self.thread = thread
    }

    func wake() {
        condition.withLock {
            woken = true
            condition.signal()
        }
    }

    /// Stops after the attempt in progress; waits for the thread to end.
    func stop() {
        guard thread != nil else { return }
        condition.withLock {
            stopping = true
            condition.signal()
        }
        finished.wait()
        thread = nil
    }

    private func loop() {
        while true {
            let stop = condition.withLock { () -> Bool in
                if !woken && !stopping { _ = condition.wait(until: Date().addingTimeInterval(pollSeconds)) }
                woken = false
                return stopping
            }
            if stop { break }
            runDue()
        }
        finished.signal()
    }

    /// Sends everything due now, in batches; one caller at a time (the thread or `tick()`).
    @discardableResult
    func runDue() -> Int {
        runLock.withLock {
            var attempts = 0
            while !condition.withLock({ stopping }) {
                let batch: [PendingDelivery]
                do { batch = try deliveries.due(limit: 50) } catch {
                    logger.error("notify: reading due deliveries failed", [("error", .string("\(error)"))])
                    return attempts
                }
                if batch.isEmpty { break }
                attempts += batch.count
                // Up to `concurrency` attempts at once, so one slow receiver does not hold up the rest.
                let failures = Atomic<Int>(0)
                DispatchQueue.concurrentPerform(iterations: min(concurrency, batch.count)) { lane in
                    for index in stride(from: lane, to: batch.count, by: concurrency) where !record(batch[index]) {
                        failures.add(1, ordering: .relaxed)
                    }
                }
                if failures.load(ordering: .relaxed) > 0 { return attempts }
            }
            return attempts
        }
    }

    /// Sends one delivery and records the outcome; false when recording failed.
    private func record(_ delivery: PendingDelivery) -> Bool {
        let outcome = senders.send(delivery, now: deliveries.clock.now())
        do {
            if let error = outcome {
                logger.warn("notify: delivery failed", [("delivery", .int(Int(delivery.id))), ("attempt", .int(delivery.attempts + 1)),
                                                        ("error", .string(error))])
                try deliveries.failed(delivery, error: error)
            } else {
                try deliveries.succeeded(delivery)
            }
            return true
        } catch {
            logger.error("notify: recording a delivery failed", [("error", .string("\(error)"))])
            return false
        }
    }
}
