import Foundation
import KlikCore
import KlikStorage

/// A day off on a calendar: a national holiday, *cuti bersama*, or a regional day off.
public struct Holiday: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case liburNasional = "libur_nasional", cutiBersama = "cuti_bersama", liburDaerah = "libur_daerah" }
    public var date: String
    public var kind: Kind
    public var name: LocalizedName
    public var source: String

    public init(date: String, kind: Kind, name: LocalizedName, source: String = "") {
        self.date = date
        self.kind = kind
        self.name = name
        self.source = source
    }
}

/// A name in Bahasa Indonesia and English.
public typealias LocalizedName = LocalizedText

/// Calendars and their days off in SQLite, editable by admins. Loaded calendars are cached and
/// the cache is dropped on every edit made through this store (edits by another process are seen
/// after at most `cacheSeconds`).
public final class CalendarStore: @unchecked Sendable {
    public let database: Database
    public var cacheSeconds: UInt64 = 30
    private let lock = NSLock()
    private var cache: [String: (calendar: WorkCalendar, loaded: UInt64)] = [:]

    public init(database: Database) { self.database = database }

    /// The calendar called `name`, or nil if there is none.
    public func calendar(_ name: String, on connection: Connection? = nil) throws -> WorkCalendar? {
        let now = Monotonic.nanoseconds()
        if let hit = lock.withLock({ cache[name] }), now - hit.loaded < cacheSeconds * 1_000_000_000 { return hit.calendar }
        let load = { (c: Connection) throws -> WorkCalendar? in try CalendarStore.load(name, on: c) }
        let loaded = try connection.map(load) ?? database.read(load)
        if let loaded { lock.withLock { cache[name] = (loaded, now) } }
        return loaded
    }

    static func load(_ name: String, on c: Connection) throws -> WorkCalendar? {
        guard let row = try c.queryOne("SELECT zone, utc_offset, working_days, day_start, day_end FROM klik_sla_calendars WHERE name = ?", [.text(name)]) else { return nil }
        let days = Set((row[2].string ?? "").split(separator: ",").compactMap { Int($0) })
        var hours: WorkCalendar.Hours?
        if let s = row[3].int64, let e = row[4].int64 { hours = .init(start: Int(s), end: Int(e)) }
        var holidays = Set<Int64>()
        try c.forEach("SELECT date FROM klik_sla_holidays WHERE calendar = ?", [.text(name)]) { r in
            if let d = r[0].string.flatMap(CivilDate.parse) { holidays.insert(d) }
            return true
        }
        return WorkCalendar(name: name, zone: row[0].string ?? "Asia/Jakarta", offset: Int(row[1].int64 ?? 25_200),
                            workingDays: days, hours: hours, holidays: holidays)
    }

    /// Creates or changes a calendar. `zone` must be one of `WorkCalendar.zones`; hours, when
    /// given, are minutes after midnight with `start < end`.
    public func save(_ calendar: WorkCalendar, now: Date) throws {
        guard let offset = WorkCalendar.zones[calendar.zone] else { throw SLAError.invalid("unknown time zone \(calendar.zone); known: \(WorkCalendar.zones.keys.sorted().joined(separator: ", "))") }
        guard !calendar.workingDays.isEmpty, calendar.workingDays.allSatisfy({ (1...7).contains($0) }) else { throw SLAError.invalid("working days must be ISO weekdays 1-7, at least one") }
        if let h = calendar.hours, !(0 <= h.start && h.start < h.end && h.end <= 1440) { throw SLAError.invalid("working hours must satisfy 0 <= start < end <= 1440 minutes") }
        try database.write { c in
            _ = try c.run("""
                INSERT INTO klik_sla_calendars (name, zone, utc_offset, working_days, day_start, day_end, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET zone = excluded.zone, utc_offset = excluded.utc_offset, working_days = excluded.working_days,
                  day_start = excluded.day_start, day_end = excluded.day_end, updated_at = excluded.updated_at
                """, [.text(calendar.name), .text(calendar.zone), .integer(Int64(offset)),
                      .text(calendar.workingDays.sorted().map(String.init).joined(separator: ",")),
                      calendar.hours.map { .integer(Int64($0.start)) } ?? .null, calendar.hours.map { .integer(Int64($0.end)) } ?? .null,
                      .text(Timestamp.iso8601(now))])
        }
        invalidate()
    }

    /// Adds or replaces a day off.
    public func setHoliday(_ holiday: Holiday, calendar: String = "default") throws {
        guard CivilDate.parse(holiday.date) != nil else { throw SLAError.invalid("date must be YYYY-MM-DD: \(holiday.date)") }
        try database.write { c in
            _ = try c.run("""
                INSERT INTO klik_sla_holidays (calendar, date, kind, name_id, name_en, source) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (calendar, date) DO UPDATE SET kind = excluded.kind, name_id = excluded.name_id, name_en = excluded.name_en, source = excluded.source
                """, [.text(calendar), .text(holiday.date), .text(holiday.kind.rawValue), .text(holiday.name.id), .text(holiday.name.en), .text(holiday.source)])
        }
        invalidate()
    }

    /// Removes a day off; answers whether there was one.
    @discardableResult
    public func removeHoliday(date: String, calendar: String = "default") throws -> Bool {
        let n = try database.write { c in try c.run("DELETE FROM klik_sla_holidays WHERE calendar = ? AND date = ?", [.text(calendar), .text(date)]) }
        invalidate()
        return n > 0
    }

    /// Days off of a calendar, optionally of one year, by date.
    public func holidays(calendar: String = "default", year: Int? = nil) throws -> [Holiday] {
        try database.read { c in
            try c.query("SELECT date, kind, name_id, name_en, source FROM klik_sla_holidays WHERE calendar = ? AND date LIKE ? ORDER BY date",
                        [.text(calendar), .text(year.map { "\($0)-%" } ?? "%")]).map {
                Holiday(date: $0[0].string ?? "", kind: Holiday.Kind(rawValue: $0[1].string ?? "") ?? .liburNasional,
                        name: LocalizedName(id: $0[2].string ?? "", en: $0[3].string ?? ""), source: $0[4].string ?? "")
            }
        }
    }

    public func invalidate() { lock.withLock { cache.removeAll() } }
}

/// A refused SLA or schedule operation; `message` is safe to show to the plugin author.
public struct SLAError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public static func invalid(_ message: String) -> SLAError { SLAError(message: message) }
    public var description: String { message }
}
