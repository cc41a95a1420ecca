import Foundation
import KlikCore
import KlikStorage

/// Fires clocks' colour changes when they fall due and hands them to the sinks.
///
/// Cost grows with the transitions due, not the open clocks: each clock stores the time of its next
/// transition in `next_at` (partial index), and a tick reads `WHERE next_at <= now ORDER BY next_at
/// LIMIT k`. Firing is exactly once: the colour change and its `klik_sla_events` row (unique per
/// clock, cycle and kind) commit together. Delivery to sinks is at least once: undelivered events
/// are delivered in id order after the transaction commits and marked delivered afterwards, so a
/// crash in between re-delivers them on the next tick (sinks deduplicate by `SLAEvent.id`).
public final class SLAEngine: @unchecked Sendable {
    public let clocks: SLAClocks
    let clock: any Clock
    let logger: Logger?
    private let lock = NSLock()
    private var sinks: [any SLATransitionSink] = []
    /// Transitions fired (and events delivered) per batch.
    public var batchSize = 2000

    public struct Report: Sendable, Equatable {
        public var fired = 0
        public var delivered = 0
    }

    public init(clocks: SLAClocks, clock: any Clock, logger: Logger? = nil) {
        self.clocks = clocks
        self.clock = clock
        self.logger = logger
    }

    /// Adds a receiver of fired transitions (the kernel adds the plugin-handler sink; notifications later).
    public func add(sink: any SLATransitionSink) { lock.withLock { sinks.append(sink) } }

    /// Fires everything due by the clock's now, oldest first, then delivers. Ticks are serialized.
    @discardableResult
    public func tick() throws -> Report {
        lock.lock()
        defer { lock.unlock() }
        let now = Int64(clock.now().timeIntervalSince1970.rounded(.down))
        var report = Report()
        while true {
            let fired = try fireBatch(now: now)
            report.fired += fired
            report.delivered += try deliverPending()
            if fired < batchSize { break }
        }
        report.delivered += try deliverPending()
        return report
    }

    /// The earliest pending transition, for sleeping until then.
    public func nextDue() throws -> Int64? {
        try clocks.database.read { c in
            try c.queryOne("SELECT next_at FROM klik_sla_clocks WHERE next_at IS NOT NULL ORDER BY next_at LIMIT 1")?[0].int64
        }
    }

    /// Fires the transitions of up to `batchSize` due clocks in one transaction. Transitions after
    /// the batch's last `next_at` wait for the next batch, so events are recorded in time order.
    private func fireBatch(now: Int64) throws -> Int {
        try clocks.database.write { c in
            let rows = try c.query("SELECT \(ClockRecord.columns) FROM klik_sla_clocks WHERE next_at IS NOT NULL AND next_at <= ? ORDER BY next_at, id LIMIT ?",
                                   [.integer(now), .integer(Int64(batchSize))]).map(ClockRecord.init(row:))
            guard !rows.isEmpty else { return 0 }
            let horizon = rows.count == batchSize ? rows[rows.count - 1].nextAt ?? now : now
            var events: [(at: Int64, clock: Int64, kind: SLAEvent.Kind, record: ClockRecord)] = []
            for var r in rows {
                while let at = r.nextAt, at <= horizon {
                    let kind: SLAEvent.Kind = r.fired == .green ? .warning : .breach
                    r.fired = kind == .warning ? .yellow : .red
                    r.scheduleNext()
                    events.append((at, r.id, kind, r))
                }
                try c.run("UPDATE klik_sla_clocks SET fired = ?, next_at = ? WHERE id = ?",
                          [.text(r.fired.rawValue), r.nextAt.map(SQLValue.integer) ?? .null, .integer(r.id)])
            }
            events.sort { ($0.at, $0.clock, $0.kind == .warning ? 0 : 1) < ($1.at, $1.clock, $1.kind == .warning ? 0 : 1) }
            for e in events {
                try c.run("INSERT OR IGNORE INTO klik_sla_events (clock_id, cycle, kind, plugin, at, fired_at) VALUES (?, ?, ?, ?, ?, ?)",
                          [.integer(e.clock), .integer(e.record.cycle), .text(e.kind.rawValue), .text(e.record.plugin), .integer(e.at), .integer(now)])
            }
            return events.count
        }
    }

    /// Delivers up to `batchSize` undelivered events in order, then marks them delivered.
    private func deliverPending() throws -> Int {
        let pending: [SLAEvent] = try clocks.database.read { c in
            try c.query("""
                SELECT e.id, e.kind, e.at, e.cycle, e.clock_id, k.plugin, k.policy, k.subject, k.opd, k.category, k.due_at,
                       coalesce((SELECT utc_offset FROM klik_sla_calendars WHERE name = k.calendar), 25200)
                FROM klik_sla_events e JOIN klik_sla_clocks k ON k.id = e.clock_id
                WHERE e.delivered_at IS NULL ORDER BY e.id LIMIT ?
                """, [.integer(Int64(batchSize))]).map { r in
                SLAEvent(id: r[0].int64 ?? 0, kind: SLAEvent.Kind(rawValue: r[1].string ?? "") ?? .breach, at: r[2].int64 ?? 0,
                         cycle: r[3].int64 ?? 0, clockId: r[4].int64 ?? 0, plugin: r[5].string ?? "", policy: r[6].string ?? "",
                         subject: r[7].string ?? "", opd: r[8].string, category: r[9].string, dueAt: r[10].int64, offset: Int(r[11].int64 ?? 25_200))
            }
        }
        guard !pending.isEmpty else { return 0 }
        let receivers = sinks
        var outcomes: [(Int64, String)] = []
        outcomes.reserveCapacity(pending.count)
        for event in pending {
            let outcome = receivers.isEmpty ? "none" : receivers.map { $0.deliver(event) }.joined(separator: ",")
            outcomes.append((event.id, outcome))
        }
        let deliveredAt = Int64(clock.now().timeIntervalSince1970.rounded(.down))
        try clocks.database.write { c in
            for (id, outcome) in outcomes {
                try c.run("UPDATE klik_sla_events SET delivered_at = ?, outcome = ? WHERE id = ?", [.integer(deliveredAt), .text(outcome), .integer(id)])
            }
        }
        return pending.count
    }
}
