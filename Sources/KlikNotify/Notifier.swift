import Foundation
import KlikAuth
import KlikCore
import KlikStorage

/// The notification primitive's front door: accepts notifications durably (inbox rows and
/// channel deliveries in one transaction), wakes live streams and the delivery worker, and
/// answers the inbox API.
///
/// Kernel code (the SLA engine, plugins through `klik.notify`) calls `send(_:to:from:)`.
public final class Notifier: @unchecked Sendable {
    public let database: Database
    public let clock: any Clock
    public let options: NotifyOptions
    public let inbox: Inbox
    public let channels: ChannelStore
    public let deliveries: DeliveryStore
    /// Open Server-Sent Event streams, by user.
    public let events: EventHub
    let logger: Logger
    private let quota: PluginQuota
    private var worker: DeliveryWorker?

    public init(database: Database, clock: any Clock, options: NotifyOptions, logger: Logger) {
        self.database = database
        self.clock = clock
        self.options = options
        self.logger = logger
        inbox = Inbox(database: database, clock: clock)
        channels = ChannelStore(database: database, clock: clock, allowLocal: options.allowLocalWebhooks)
        deliveries = DeliveryStore(database: database, clock: clock, options: options)
        events = EventHub(inbox: inbox, heartbeatSeconds: options.heartbeatSeconds)
        quota = PluginQuota(clock: clock, perMinute: options.perPluginPerMinute)
    }

    /// Accepts `notification` for `recipients` on behalf of `sender` (a plugin id, or a kernel
    /// part such as `klik.sla`), in its own transaction, then delivers it: inbox rows at once,
    /// live events to open streams, channels through the outbox (at least once, with retries).
    /// Throws `NotifyError` for an unknown recipient, too many recipients or an exceeded quota.
    @discardableResult
    public func send(_ notification: NotificationMessage, to recipients: Recipients, from sender: String) throws -> AcceptedNotification {
        let accepted = try database.write { c in try accept(notification, to: recipients, from: sender, on: c) }
        published(accepted)
        return accepted
    }

    /// Like `send` but on a connection whose transaction the caller owns (e.g. a plugin's
    /// `klik.db.transaction`); call `published(_:)` after that transaction commits.
    public func accept(_ notification: NotificationMessage, to recipients: Recipients, from sender: String,
                       on connection: Connection) throws -> AcceptedNotification {
        if case .role(let role) = recipients, Role(rawValue: role) == nil {
            throw NotifyError("klik.notify.role: unknown role '\(role)' (known: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        try quota.take(sender)
        do {
            return try Outbox.accept(notification, to: recipients, from: sender, now: clock.now(),
                                     maxRecipients: options.maxRecipients, on: connection)
        } catch {
            quota.refund(sender)
            throw error
        }
    }

    /// Wakes the live streams of the recipients and the delivery worker after a commit.
    public func published(_ accepted: AcceptedNotification) {
        events.wake(users: accepted.users)
        if accepted.deliveries > 0 { worker?.wake() }
    }

    /// Asks the delivery worker to look for due work now (after an admin replay).
    public func wakeDelivery() { worker?.wake() }

    /// Starts the delivery worker thread (the kernel does this at start).
    public func start() {
        guard worker == nil else { return }
        let worker = DeliveryWorker(deliveries: deliveries, senders: DeliverySenders(options: options, logger: logger),
                                    pollSeconds: options.pollSeconds, concurrency: options.deliveryConcurrency, logger: logger)
        worker.start()
        self.worker = worker
        events.start()
    }

    /// Delivers everything due now on the calling thread; answers how many attempts were made.
    /// Tests drive retries deterministically with the fake clock and this.
    @discardableResult
    public func tick() -> Int {
        (worker ?? DeliveryWorker(deliveries: deliveries, senders: DeliverySenders(options: options, logger: logger),
                                  pollSeconds: options.pollSeconds, concurrency: options.deliveryConcurrency, logger: logger)).runDue()
    }

    /// Ends live streams and stops the worker after its current attempt.
    public func stop() {
        events.stop()
        worker?.stop()
        worker = nil
    }
}

extension Notifier {
    /// Prometheus lines: open live streams and undelivered channel deliveries by state.
    public func metricsText() -> String {
        var text = "# TYPE klik_notify_event_streams gauge\nklik_notify_event_streams \(events.openCount)\n"
        text += "# TYPE klik_notify_deliveries gauge\n"
        let counts = (try? deliveries.countsByState()) ?? [:]
        for state in ["pending", "dead"] { text += "klik_notify_deliveries{state=\"\(state)\"} \(counts[state] ?? 0)\n" }
        return text
    }
}
