/// When a recurring job runs. Text forms (times are local to the `default` calendar's zone, WIB):
/// - `"daily 07:00"` — every day;
/// - `"monday 07:00"`, `"mon,thu 13:30"`, `"senin 07:00"` — on the named weekdays (English or
///   Indonesian names, or three-letter English abbreviations);
/// - `"weekdays 07:00"` — Monday to Friday; `"workdays 07:00"` — working days of the default
///   calendar (holidays and *cuti bersama* skipped);
/// - `"every 15m"`, `"every 2h"` — a fixed interval (at least one minute) from the previous run.
public enum ScheduleSpec: Sendable, Equatable {
    case weekly(days: Set<Int>, minute: Int)
    case workdays(minute: Int)
    case interval(seconds: Int64)

    static let dayNames: [String: Int] = [
        "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7,
        "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7,
        "senin": 1, "selasa": 2, "rabu": 3, "kamis": 4, "jumat": 5, "sabtu": 6, "minggu": 7,
    ]

    /// Parses the text form; the error says what is expected.
    public static func parse(_ text: String) throws(SLAError) -> ScheduleSpec {
        let words = text.lowercased().split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let expected = "expected e.g. \"monday 07:00\", \"daily 07:00\", \"weekdays 07:00\", \"workdays 07:00\" or \"every 15m\""
        guard words.count == 2 else { throw .invalid("schedule '\(text)': \(expected)") }
        if words[0] == "every" {
            let unit = words[1].last
            guard let n = Int64(words[1].dropLast()), n > 0, unit == "m" || unit == "h" else { throw .invalid("schedule '\(text)': \(expected)") }
            return .interval(seconds: n * (unit == "m" ? 60 : 3600))
        }
        let parts = words[1].split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0..<24).contains(h), (0..<60).contains(m) else { throw .invalid("schedule '\(text)': time must be HH:MM (00:00-23:59)") }
        let minute = h * 60 + m
        switch words[0] {
        case "daily": return .weekly(days: Set(1...7), minute: minute)
        case "weekdays": return .weekly(days: Set(1...5), minute: minute)
        case "workdays": return .workdays(minute: minute)
        default:
            var days = Set<Int>()
            for name in words[0].split(separator: ",") {
                guard let d = dayNames[String(name)] else { throw .invalid("schedule '\(text)': unknown day '\(name)'; \(expected)") }
                days.insert(d)
            }
            return .weekly(days: days, minute: minute)
        }
    }

    /// The first run strictly after `after`. Interval schedules count from `previous` (the last planned
    /// run), skipping runs missed while the kernel was down.
    public func next(after: Int64, previous: Int64? = nil, calendar: WorkCalendar) -> Int64 {
        switch self {
        case .interval(let s):
            guard let p = previous, p <= after else { return (previous ?? after) + (previous == nil ? s : 0) }
            return p + ((after - p) / s + 1) * s
        case .weekly(let days, let minute):
            return firstDay(after: after, minute: minute, calendar: calendar) { days.contains(CivilDate.weekday($0)) }
        case .workdays(let minute):
            return firstDay(after: after, minute: minute, calendar: calendar) { calendar.isWorkingDay($0) }
        }
    }

    private func firstDay(after: Int64, minute: Int, calendar: WorkCalendar, _ matches: (Int64) -> Bool) -> Int64 {
        var day = CivilDate.day(of: after, offset: calendar.offset)
        for _ in 0..<3_700 {
            let at = day * 86_400 - Int64(calendar.offset) + Int64(minute) * 60
            if at > after && matches(day) { return at }
            day += 1
        }
        return Int64.max / 2
    }
}
