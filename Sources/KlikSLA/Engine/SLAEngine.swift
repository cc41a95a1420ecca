import Foundation
import KlikCore
import KlikStorage

/// Fires clocks' colour changes when they fall due and hands them to the sinks.
///
/// Cost grows with the transitions due, not the open clocks: each clock stores the time of its next
/// transition in `next_at` (partial index), and a tick reads `WHERE next_at <= now ORDER BY next_at
/// LIMIT k`. Firing is exactly once: the colour change and its `klik_sla_events` row (unique per
/// clock, cycle and kind) commit together. Delivery to sinks is at least once: events are delivered
/// in id order after their transaction commits, then a single cursor (`klik_sla_delivery`) moves
/// past them, so a crash in between re-delivers them on the next tick (sinks deduplicate by `SLAEvent.id`).
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
        report.delivered += try deliver(try pendingEvents())   // left undelivered by a crash
        while true {
            let (rows, events) = try fireBatch(now: now)
            report.fired += events.count
            report.delivered += try deliver(events)
            if rows < batchSize { return report }
        }
    }

    /// The earliest pending transition, for sleeping until then.
    public func nextDue() throws -> Int64? {
        try clocks.database.read { c in
            try c.queryOne("SELECT next_at FROM klik_sla_clocks WHERE next_at IS NOT NULL ORDER BY next_at LIMIT 1")?[0].int64
        }
    }

    /// What firing needs of a due clock (a lean read: the tick's cost is per due clock).
    private struct Due {
        let id: Int64, cycle: Int64, warnAt: Int64?, dueAt: Int64?, state: SLAState, haltedAt: Int64?
        var fired: SLAColour, nextAt: Int64?
        let plugin: String, policy: String, subject: String, opd: String?, category: String?, calendar: String

        init(_ r: Row) {
            id = r[0].int64 ?? 0; cycle = r[1].int64 ?? 1; fired = SLAColour(rawValue: r[2].string ?? "") ?? .red
            warnAt = r[3].int64; dueAt = r[4].int64; nextAt = r[5].int64
            state = SLAState(rawValue: r[6].string ?? "") ?? .cancelled; haltedAt = r[7].int64
            plugin = r[8].string ?? ""; policy = r[9].string ?? ""; subject = r[10].string ?? ""
            opd = r[11].string; category = r[12].string; calendar = r[13].string ?? "default"
        }
    }

    static let dueSQL = """
        SELECT id, cycle, fired, warn_at, due_at, next_at, state, halted_at, plugin, policy, subject, opd, category, calendar
        FROM klik_sla_clocks WHERE next_at IS NOT NULL AND next_at <= ? ORDER BY next_at, id LIMIT ?
        """

    static let updateSQL = """
        UPDATE klik_sla_clocks SET fired = j.value ->> 1, next_at = j.value ->> 2
        FROM json_each(?1) AS j WHERE klik_sla_clocks.id = j.value ->> 0
        """

    /// Inserts events in array order (so ids follow time order) and answers each new id with its clock and kind.
    static let insertSQL = """
        INSERT OR IGNORE INTO klik_sla_events (clock_id, cycle, kind, plugin, at, fired_at)
        SELECT j.value ->> 1, j.value ->> 2, j.value ->> 3, k.plugin, j.value ->> 4, ?2
        FROM json_each(?1) AS j JOIN klik_sla_clocks k ON k.id = j.value ->> 1 ORDER BY j.key
        RETURNING id, clock_id, kind
        """

    /// Fires the transitions of up to `batchSize` due clocks in one transaction and answers the
    /// events recorded. Transitions after the batch's last `next_at` wait for the next batch, so
    /// events are recorded (and delivered) in time order.
    private func fireBatch(now: Int64) throws -> (rows: Int, events: [SLAEvent]) {
        try clocks.database.write { c in
            var rows: [Due] = []
            rows.reserveCapacity(batchSize)
            try c.forEach(SLAEngine.dueSQL, [.integer(now), .integer(Int64(batchSize))]) { rows.append(Due($0)); return true }
            guard !rows.isEmpty else { return (0, []) }
            let horizon = rows.count == batchSize ? rows[rows.count - 1].nextAt ?? now : now
            var fired: [(at: Int64, kind: SLAEvent.Kind, row: Int)] = []
            fired.reserveCapacity(rows.count)
            var updates = "["
            for i in rows.indices {
                while let at = rows[i].nextAt, at <= horizon {
                    let kind: SLAEvent.Kind = rows[i].fired == .green ? .warning : .breach
                    rows[i].fired = kind == .warning ? .yellow : .red
                    rows[i].nextAt = ClockRecord.next(after: rows[i].fired, warnAt: rows[i].warnAt, dueAt: rows[i].dueAt,
                                                      state: rows[i].state, haltedAt: rows[i].haltedAt)
                    fired.append((at, kind, i))
                }
                if i > 0 { updates += "," }
                updates += "[\(rows[i].id),\"\(rows[i].fired.rawValue)\",\(rows[i].nextAt.map(String.init) ?? "null")]"
            }
            // One statement each for all the batch's clock updates and event inserts (JSON-bound rows).
            try c.run(SLAEngine.updateSQL, [.text(updates + "]")])
            fired.sort { ($0.at, rows[$0.row].id, $0.kind == .warning ? 0 : 1) < ($1.at, rows[$1.row].id, $1.kind == .warning ? 0 : 1) }
            var inserts = "["
            for (n, (at, kind, i)) in fired.enumerated() {
                if n > 0 { inserts += "," }
                inserts += "[0,\(rows[i].id),\(rows[i].cycle),\"\(kind.rawValue)\",\(at)]"
            }
            struct Key: Hashable { let clock: Int64; let warning: Bool }
            var ids: [Key: Int64] = [:]
            ids.reserveCapacity(fired.count)
            try c.forEach(SLAEngine.insertSQL, [.text(inserts + "]"), .integer(now)]) { r in
                if let id = r[0].int64, let clock = r[1].int64 { ids[Key(clock: clock, warning: r[2].string == "warning")] = id }
                return true
            }
            var offsets: [String: Int] = [:]
            var events: [SLAEvent] = []
            events.reserveCapacity(fired.count)
            for (at, kind, i) in fired {
                let r = rows[i]
                guard let id = ids[Key(clock: r.id, warning: kind == .warning)] else { continue }   // already recorded: the unique key guards exactly once
                if offsets[r.calendar] == nil { offsets[r.calendar] = try clocks.calendars.calendar(r.calendar, on: c)?.offset ?? 25_200 }
                events.append(SLAEvent(id: id, kind: kind, at: at, cycle: r.cycle, clockId: r.id, plugin: r.plugin, policy: r.policy,
                                       subject: r.subject, opd: r.opd, category: r.category, dueAt: r.dueAt, offset: offsets[r.calendar]!))
            }
            return (rows.count, events)
        }
    }

    /// Events recorded but not delivered (a crash between recording and delivering), oldest first.
    private func pendingEvents() throws -> [SLAEvent] {
        try clocks.database.read { c in
            try c.query("""
                SELECT e.id, e.kind, e.at, e.cycle, e.clock_id, k.plugin, k.policy, k.subject, k.opd, k.category, k.due_at, coalesce(cal.utc_offset, 25200)
                FROM klik_sla_events e JOIN klik_sla_clocks k ON k.id = e.clock_id LEFT JOIN klik_sla_calendars cal ON cal.name = k.calendar
                WHERE e.id > (SELECT last_event FROM klik_sla_delivery WHERE id = 1) ORDER BY e.id
                """).map { r in
                SLAEvent(id: r[0].int64 ?? 0, kind: SLAEvent.Kind(rawValue: r[1].string ?? "") ?? .breach, at: r[2].int64 ?? 0,
                         cycle: r[3].int64 ?? 0, clockId: r[4].int64 ?? 0, plugin: r[5].string ?? "", policy: r[6].string ?? "",
                         subject: r[7].string ?? "", opd: r[8].string, category: r[9].string, dueAt: r[10].int64, offset: Int(r[11].int64 ?? 25_200))
            }
        }
    }

    /// Hands events to the sinks in order, then moves the delivery cursor past them. Outcomes other
    /// than `ok`/`no_handler` are logged (the plugin's own errors are in its log with the event id).
    private func deliver(_ events: [SLAEvent]) throws -> Int {
        guard let last = events.last?.id else { return 0 }
        for event in events {
            for sink in sinks {
                let outcome = sink.deliver(event)
                if outcome != "ok" && outcome != "no_handler" {
                    logger?.warn("sla event not handled", [("event", .int(Int(event.id))), ("plugin", .string(event.plugin)), ("outcome", .string(outcome))])
                }
            }
        }
        try clocks.database.write { c in
            _ = try c.run("UPDATE klik_sla_delivery SET last_event = max(last_event, ?) WHERE id = 1", [.integer(last)])
        }
        return events.count
    }
}
