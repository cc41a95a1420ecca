import Foundation
import KlikCore
import KlikStorage

/// What `klik.sla.status` answers about one clock.
public struct SLAStatus: Sendable {
    public let record: ClockRecord
    public let colour: SLAColour
    /// When the clock turns red if it keeps running; nil while paused.
    public let due: Int64?
    public let elapsed: Int64
    public let remaining: Int64
    /// UTC offset of the clock's calendar, for rendering `due` in local time.
    public let offset: Int
}

/// Starts, pauses, resumes, completes, cancels and restarts SLA clocks in SQLite. Every operation
/// runs in one write transaction — the caller's (`on:`, e.g. a plugin's `klik.db.transaction`) or
/// its own — and keeps `next_at` current for the engine.
public final class SLAClocks: @unchecked Sendable {
    public let database: Database
    public let calendars: CalendarStore

    public init(database: Database, calendars: CalendarStore) {
        self.database = database
        self.calendars = calendars
    }

    func write<T>(_ connection: Connection?, _ body: (Connection) throws -> T) throws -> T {
        if let connection { return try body(connection) }
        return try database.write(body)
    }

    func measure(_ record: ClockRecord, on c: Connection) throws -> (ClockMeasure, Int) {
        guard let cal = try calendars.calendar(record.calendar, on: c) else { throw SLAError.invalid("unknown calendar '\(record.calendar)'") }
        return (record.working ? .working(cal) : .plain, cal.offset)
    }

    /// Starts a clock for `subject` under `policy`. A subject has at most one clock per policy;
    /// starting it again is refused (use `restart` to reopen it).
    @discardableResult
    public func start(plugin: String, policy: SLAPolicy, subject: String, opd: String? = nil, category: String? = nil,
                      now: Int64, on connection: Connection? = nil) throws -> SLAStatus {
        try write(connection) { c in
            guard let cal = try calendars.calendar(policy.calendar, on: c) else { throw SLAError.invalid("unknown calendar '\(policy.calendar)'") }
            if try c.queryOne("SELECT 1 FROM klik_sla_clocks WHERE plugin = ? AND policy = ? AND subject = ?",
                              [.text(plugin), .text(policy.name), .text(subject)]) != nil {
                throw SLAError.invalid("a clock for subject '\(subject)' under policy '\(policy.name)' already exists; use restart to reopen it")
            }
            var r = ClockRecord(plugin: plugin, policy: policy.name, subject: subject, opd: opd, category: category, calendar: policy.calendar,
                                working: policy.usesWorkingTime, target: policy.targetSeconds(on: cal), warning: policy.warningSeconds(on: cal), startedAt: now)
            let m: ClockMeasure = r.working ? .working(cal) : .plain
            r.run(from: now, m)
            try c.run("INSERT INTO klik_sla_clocks (\(ClockRecord.columns.dropFirst(4))) VALUES (\(Array(repeating: "?", count: 22).joined(separator: ", ")))", r.values)
            r.id = c.lastInsertRowID
            return status(r, m, cal.offset, now)
        }
    }

    /// The clock of `subject` (under `policy`, or its most recently started one).
    func find(_ plugin: String, _ subject: String, _ policy: String?, on c: Connection) throws -> ClockRecord? {
        let sql = "SELECT \(ClockRecord.columns) FROM klik_sla_clocks WHERE plugin = ? AND subject = ?"
            + (policy == nil ? "" : " AND policy = ?") + " ORDER BY started_at DESC, id DESC LIMIT 1"
        return try c.queryOne(sql, [.text(plugin), .text(subject)] + (policy.map { [.text($0)] } ?? [])).map(ClockRecord.init(row:))
    }

    private func save(_ r: ClockRecord, on c: Connection) throws {
        let assignments = ClockRecord.columns.split(separator: ",").dropFirst().map { "\($0.trimmingCharacters(in: .whitespaces)) = ?" }
        try c.run("UPDATE klik_sla_clocks SET \(assignments.joined(separator: ", ")) WHERE id = ?", r.values + [.integer(r.id)])
    }

    /// Applies `change` to the subject's clock if it is in one of `from`; answers the new status.
    private func transition(_ plugin: String, _ subject: String, _ policy: String?, now: Int64, on connection: Connection?,
                            from: Set<SLAState>, verb: String, _ change: (inout ClockRecord, ClockMeasure) -> Void) throws -> SLAStatus {
        try write(connection) { c in
            guard var r = try find(plugin, subject, policy, on: c) else { throw SLAError.invalid("no clock for subject '\(subject)'") }
            guard from.contains(r.state) else { throw SLAError.invalid("cannot \(verb) a \(r.state.rawValue) clock (subject '\(subject)')") }
            let (m, offset) = try measure(r, on: c)
            change(&r, m)
            try save(r, on: c)
            return status(r, m, offset, now)
        }
    }

    @discardableResult
    public func pause(plugin: String, subject: String, policy: String? = nil, now: Int64, on c: Connection? = nil) throws -> SLAStatus {
        try transition(plugin, subject, policy, now: now, on: c, from: [.running], verb: "pause") { r, m in r.halt(at: now, to: .paused, m) }
    }

    @discardableResult
    public func resume(plugin: String, subject: String, policy: String? = nil, now: Int64, on c: Connection? = nil) throws -> SLAStatus {
        try transition(plugin, subject, policy, now: now, on: c, from: [.paused], verb: "resume") { r, m in r.run(from: now, m) }
    }

    @discardableResult
    public func complete(plugin: String, subject: String, policy: String? = nil, now: Int64, on c: Connection? = nil) throws -> SLAStatus {
        try transition(plugin, subject, policy, now: now, on: c, from: [.running, .paused], verb: "complete") { r, m in r.halt(at: now, to: .completed, m) }
    }

    @discardableResult
    public func cancel(plugin: String, subject: String, policy: String? = nil, now: Int64, on c: Connection? = nil) throws -> SLAStatus {
        try transition(plugin, subject, policy, now: now, on: c, from: [.running, .paused], verb: "cancel") { r, m in r.halt(at: now, to: .cancelled, m) }
    }

    /// Reopens a clock as a new cycle from `now` with the policy's current target (the reporter
    /// reopened the complaint). The previous cycle's outcome is replaced; its fired events stay recorded.
    @discardableResult
    public func restart(plugin: String, policy: SLAPolicy, subject: String, now: Int64, on c: Connection? = nil) throws -> SLAStatus {
        try write(c) { c in
            guard var r = try find(plugin, subject, policy.name, on: c) else { throw SLAError.invalid("no clock for subject '\(subject)'") }
            guard let cal = try calendars.calendar(policy.calendar, on: c) else { throw SLAError.invalid("unknown calendar '\(policy.calendar)'") }
            let m: ClockMeasure = policy.usesWorkingTime ? .working(cal) : .plain
            r.calendar = policy.calendar; r.working = policy.usesWorkingTime
            r.target = policy.targetSeconds(on: cal); r.warning = policy.warningSeconds(on: cal)
            r.cycle += 1; r.startedAt = now; r.accrued = 0; r.warnAt = nil; r.dueAt = nil; r.finishedAt = nil; r.haltedAt = nil
            r.metLate = false; r.colour = .green; r.fired = .green
            r.run(from: now, m)
            try save(r, on: c)
            return status(r, m, cal.offset, now)
        }
    }

    public func status(plugin: String, subject: String, policy: String? = nil, now: Int64, on connection: Connection? = nil) throws -> SLAStatus? {
        let body = { (c: Connection) throws -> SLAStatus? in
            guard let r = try self.find(plugin, subject, policy, on: c) else { return nil }
            let (m, offset) = try self.measure(r, on: c)
            return self.status(r, m, offset, now)
        }
        return try connection.map(body) ?? database.read(body)
    }

    func status(_ r: ClockRecord, _ m: ClockMeasure, _ offset: Int, _ now: Int64) -> SLAStatus {
        let elapsed = r.elapsed(at: now, m)
        return SLAStatus(record: r, colour: r.colour(at: now), due: r.state == .paused ? nil : r.dueAt,
                         elapsed: elapsed, remaining: max(0, r.target - elapsed), offset: offset)
    }
}
