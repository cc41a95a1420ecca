/// Calendar dates as day numbers (days since 1970-01-01) in a fixed-offset zone; proleptic Gregorian.
public enum CivilDate {
    /// Floor division that rounds towards negative infinity (instants before 1970 stay correct).
    @inlinable static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// The local day number of a Unix instant in a zone `offset` seconds east of UTC.
    public static func day(of instant: Int64, offset: Int) -> Int64 { floorDiv(instant + Int64(offset), 86_400) }

    /// ISO weekday of a day number: 1 = Monday ... 7 = Sunday (1970-01-01 was a Thursday).
    public static func weekday(_ day: Int64) -> Int { Int(((day % 7) + 7 + 3) % 7) + 1 }

    /// Day number of a Gregorian date (H. Hinnant's days_from_civil).
    public static func day(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The Gregorian date of a day number.
    public static func date(_ z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (Int(yoe + era * 400) + (m <= 2 ? 1 : 0), m, d)
    }

    /// Parses `YYYY-MM-DD` into a day number; nil when malformed or not a real date.
    public static func parse(_ text: String) -> Int64? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), (1...31).contains(d) else { return nil }
        let n = day(year: y, month: m, day: d)
        let back = date(n)
        return back.month == m && back.day == d ? n : nil
    }

    /// `YYYY-MM-DD` of a day number.
    public static func format(_ day: Int64) -> String {
        let (y, m, d) = date(day)
        func pad(_ n: Int, _ w: Int) -> String { let s = String(n); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// RFC 3339 text of an instant in a fixed-offset zone, e.g. `2026-03-19T16:00:00+07:00`.
    public static func rfc3339(_ instant: Int64, offset: Int) -> String {
        let local = instant + Int64(offset)
        let d = floorDiv(local, 86_400)
        let s = local - d * 86_400
        func pad(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let sign = offset < 0 ? "-" : "+"
        let o = Int64(abs(offset))
        return "\(format(d))T\(pad(s / 3600)):\(pad(s / 60 % 60)):\(pad(s % 60))\(offset == 0 ? "Z" : "\(sign)\(pad(o / 3600)):\(pad(o / 60 % 60))")"
    }
}
