import Foundation
import KlikCore
import KlikStorage

/// One durable `klik.schedule` job.
public struct ScheduledJob: Sendable, Equatable {
    public enum State: String, Sendable { case pending, running, done, failed, cancelled }
    public let id: Int64
    public let plugin: String
    public let handler: String
    /// The recurring schedule's text (see `ScheduleSpec`), nil for a one-off job.
    public let spec: String?
    public let args: JSONValue
    /// The planned run this claim is for (a recurring job's next run is already stored).
    public let runAt: Int64
    public let state: State
    public let runs: Int64

    static let columns = "id, plugin, handler, spec, args, run_at, state, runs"

    init(row r: Row) {
        id = r[0].int64 ?? 0; plugin = r[1].string ?? ""; handler = r[2].string ?? ""; spec = r[3].string
        args = (try? JSONParser.parse(r[4].string ?? "null")) ?? .null
        runAt = r[5].int64 ?? 0; state = State(rawValue: r[6].string ?? "") ?? .failed; runs = r[7].int64 ?? 0
    }
}

/// Durable jobs in SQLite. A due job is claimed in a transaction before it runs (one-off jobs move
/// to `running`, recurring ones to their next run), so it runs at most once per planned time even
/// across restarts and concurrent ticks; a one-off job interrupted by a crash is marked failed, not re-run.
public final class ScheduleStore: @unchecked Sendable {
    public let database: Database
    let calendars: CalendarStore

    public init(database: Database, calendars: CalendarStore) {
        self.database = database
        self.calendars = calendars
    }

    private func write<T>(_ connection: Connection?, _ body: (Connection) throws -> T) throws -> T {
        if let connection { return try body(connection) }
        return try database.write(body)
    }

    /// Runs `handler` once at `time` (Unix seconds; a time in the past runs on the next tick).
    public func at(plugin: String, handler: String, time: Int64, args: JSONValue = .null, now: Int64, on connection: Connection? = nil) throws -> Int64 {
        try write(connection) { c in
            try c.run("INSERT INTO klik_schedule_jobs (plugin, handler, args, run_at, state, created_at) VALUES (?, ?, ?, ?, 'pending', ?)",
                      [.text(plugin), .text(handler), .text(JSONWriter.string(args)), .integer(time), .integer(now)])
            return c.lastInsertRowID
        }
    }

    /// Runs `handler` on a recurring schedule. Idempotent: the same plugin, handler and spec name one
    /// job (calling it at every load keeps one job; its args are updated, a cancelled one is revived).
    public func every(plugin: String, handler: String, spec text: String, args: JSONValue = .null, now: Int64, on connection: Connection? = nil) throws -> Int64 {
        let spec = try ScheduleSpec.parse(text)
        let canonical = text.lowercased().split(separator: " ").joined(separator: " ")
        return try write(connection) { c in
            let calendar = try calendars.calendar("default", on: c) ?? WorkCalendar()
            if let row = try c.queryOne("SELECT id, state FROM klik_schedule_jobs WHERE plugin = ? AND handler = ? AND spec = ?",
                                        [.text(plugin), .text(handler), .text(canonical)]) {
                let id = row[0].int64 ?? 0
                let revive = row[1].string == "cancelled"
                try c.run("UPDATE klik_schedule_jobs SET args = ?\(revive ? ", state = 'pending', run_at = ?" : "") WHERE id = ?",
                          [.text(JSONWriter.string(args))] + (revive ? [.integer(spec.next(after: now, calendar: calendar))] : []) + [.integer(id)])
                return id
            }
            try c.run("INSERT INTO klik_schedule_jobs (plugin, handler, spec, args, run_at, state, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)",
                      [.text(plugin), .text(handler), .text(canonical), .text(JSONWriter.string(args)),
                       .integer(spec.next(after: now, calendar: calendar)), .integer(now)])
            return c.lastInsertRowID
        }
    }

    /// Cancels a pending job of the plugin; answers whether there was one.
    public func cancel(plugin: String, id: Int64, on connection: Connection? = nil) throws -> Bool {
        try write(connection) { c in
            try c.run("UPDATE klik_schedule_jobs SET state = 'cancelled' WHERE plugin = ? AND id = ? AND state = 'pending'", [.text(plugin), .integer(id)]) > 0
        }
    }

    /// The plugin's pending jobs, soonest first.
    public func pending(plugin: String) throws -> [ScheduledJob] {
        try database.read { c in
            try c.query("SELECT \(ScheduledJob.columns) FROM klik_schedule_jobs WHERE plugin = ? AND state = 'pending' ORDER BY run_at, id",
                        [.text(plugin)]).map(ScheduledJob.init(row:))
        }
    }

    public func job(_ id: Int64) throws -> ScheduledJob? {
        try database.read { c in try c.queryOne("SELECT \(ScheduledJob.columns) FROM klik_schedule_jobs WHERE id = ?", [.integer(id)]).map(ScheduledJob.init(row:)) }
    }

    /// Marks one-off jobs left `running` by a crash as failed (at most once: they are not re-run).
    @discardableResult
    public func recoverInterrupted() throws -> Int {
        try database.write { c in
            try c.run("UPDATE klik_schedule_jobs SET state = 'failed', last_error = 'interrupted by a restart; not re-run' WHERE state = 'running'")
        }
    }

    /// Claims up to `limit` due jobs in one transaction, oldest first.
    public func claimDue(now: Int64, limit: Int) throws -> [ScheduledJob] {
        try database.write { c in
            let jobs = try c.query("SELECT \(ScheduledJob.columns) FROM klik_schedule_jobs WHERE state = 'pending' AND run_at <= ? ORDER BY run_at, id LIMIT ?",
                                   [.integer(now), .integer(Int64(limit))]).map(ScheduledJob.init(row:))
            guard !jobs.isEmpty else { return [] }
            let calendar = try calendars.calendar("default", on: c) ?? WorkCalendar()
            for job in jobs {
                if let text = job.spec, let spec = try? ScheduleSpec.parse(text) {
                    let next = spec.next(after: now, previous: job.runAt, calendar: calendar)
                    try c.run("UPDATE klik_schedule_jobs SET run_at = ?, runs = runs + 1, last_run_at = ? WHERE id = ?", [.integer(next), .integer(now), .integer(job.id)])
                } else {
                    try c.run("UPDATE klik_schedule_jobs SET state = 'running', runs = runs + 1, last_run_at = ? WHERE id = ?", [.integer(now), .integer(job.id)])
                }
            }
            return jobs
        }
    }

    /// Records the outcome of a claimed job (one-off jobs end `done` or `failed`).
    public func finish(_ job: ScheduledJob, error: String?) throws {
        try database.write { c in
            if job.spec == nil {
                _ = try c.run("UPDATE klik_schedule_jobs SET state = ?, last_error = ? WHERE id = ?",
                          [.text(error == nil ? "done" : "failed"), error.map(SQLValue.text) ?? .null, .integer(job.id)])
            } else {
                _ = try c.run("UPDATE klik_schedule_jobs SET last_error = ? WHERE id = ?", [error.map(SQLValue.text) ?? .null, .integer(job.id)])
            }
        }
    }
}
