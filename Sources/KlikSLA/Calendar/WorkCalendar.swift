/// A working calendar: which local days count, optionally which hours of them, and the zone.
/// Zones are fixed UTC offsets (Indonesia has no daylight saving time); instants are whole Unix seconds.
/// All arithmetic is pure: the caller passes "now" from the kernel clock.
public struct WorkCalendar: Sendable, Equatable {
    /// Office hours of a working day, in minutes after local midnight: `start..<end`.
    public struct Hours: Sendable, Equatable {
        public var start: Int
        public var end: Int
        public init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }
    }

    public var name: String
    /// Zone name as configured, e.g. `Asia/Jakarta`.
    public var zone: String
    /// Seconds east of UTC (WIB = 25 200).
    public var offset: Int
    /// ISO weekdays that are working days: 1 = Monday ... 7 = Sunday.
    public var workingDays: Set<Int>
    /// Office hours; nil means the whole working day counts.
    public var hours: Hours?
    /// Local day numbers (see `CivilDate`) that are not worked: national holidays, *cuti bersama*, regional days off.
    public var holidays: Set<Int64>

    public init(name: String = "default", zone: String = "Asia/Jakarta", offset: Int = 25_200,
                workingDays: Set<Int> = [1, 2, 3, 4, 5], hours: Hours? = nil, holidays: Set<Int64> = []) {
        self.name = name
        self.zone = zone
        self.offset = offset
        self.workingDays = workingDays
        self.hours = hours
        self.holidays = holidays
    }

    /// Fixed offsets of the zone names the kernel accepts (WIB, WITA, WIT, UTC).
    public static let zones: [String: Int] = [
        "Asia/Jakarta": 25_200, "Asia/Pontianak": 25_200, "Asia/Makassar": 28_800, "Asia/Jayapura": 32_400, "UTC": 0,
    ]

    /// Working seconds in one full working day (the office hours, or 24 hours).
    public var secondsPerWorkingDay: Int64 {
        guard let hours else { return 86_400 }
        return Int64(hours.end - hours.start) * 60
    }

    public func isWorkingDay(_ day: Int64) -> Bool {
        workingDays.contains(CivilDate.weekday(day)) && !holidays.contains(day)
    }

    /// The UTC instants `start..<end` worked on local day `day`, or nil when the day is not worked.
    public func window(_ day: Int64) -> (start: Int64, end: Int64)? {
        guard isWorkingDay(day) else { return nil }
        let midnight = day * 86_400 - Int64(offset)
        guard let hours else { return (midnight, midnight + 86_400) }
        return (midnight + Int64(hours.start) * 60, midnight + Int64(hours.end) * 60)
    }

    /// Working seconds between two instants (0 when `to <= from`).
    public func workingSeconds(from: Int64, to: Int64) -> Int64 {
        guard to > from else { return 0 }
        var total: Int64 = 0
        var day = CivilDate.day(of: from, offset: offset)
        let last = CivilDate.day(of: to, offset: offset)
        while day <= last {
            if let w = window(day) {
                let a = max(w.start, from), b = min(w.end, to)
                if b > a { total += b - a }
            }
            day += 1
        }
        return total
    }

    /// The instant at which `seconds` of working time have passed since `start`. A non-positive
    /// amount answers `start` itself; an amount that ends exactly at a closing time answers that closing time.
    /// Answers nil when the calendar has no working day within ten years (a misconfigured calendar).
    public func adding(workingSeconds seconds: Int64, to start: Int64) -> Int64? {
        guard seconds > 0 else { return start }
        var left = seconds
        var day = CivilDate.day(of: start, offset: offset)
        var idle = 0
        while idle < 3_660 {
            if let w = window(day) {
                idle = 0
                let from = max(w.start, start)
                if from < w.end {
                    let available = w.end - from
                    if left <= available { return from + left }
                    left -= available
                }
            } else {
                idle += 1
            }
            day += 1
        }
        return nil
    }

    /// `adding(workingSeconds:)` for whole working days: `days × secondsPerWorkingDay`.
    public func adding(workingDays days: Int, to start: Int64) -> Int64? {
        adding(workingSeconds: Int64(days) * secondsPerWorkingDay, to: start)
    }
}
