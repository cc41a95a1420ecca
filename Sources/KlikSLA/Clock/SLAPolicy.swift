/// A named SLA clock a plugin declares in its manifest under `sla`, e.g.
/// `{"tindak_lanjut": {"target": {"working_days": 5}, "warning": 0.75, "calendar": "default"}}`.
public struct SLAPolicy: Sendable, Equatable {
    /// How long the clock allows. Working targets are measured in the calendar's working time
    /// (one working day = the calendar's office hours, or 24 hours without them); calendar days in plain time.
    public enum Target: Sendable, Equatable {
        case workingDays(Int)
        case workingHours(Int)
        case calendarDays(Int)
    }

    /// Key in the manifest's `sla` object: `^[a-z][a-z0-9_]{0,40}$`.
    public var name: String
    /// `target`: required; exactly one of `working_days`, `working_hours`, `calendar_days` (integer 0...3650).
    public var target: Target
    /// `warning`: number in (0, 1], default 0.75; the share of the target after which the clock turns yellow.
    public var warning: Double
    /// `calendar`: string, default `"default"`; a calendar admins maintain (working days, hours, holidays).
    public var calendar: String

    public init(name: String, target: Target, warning: Double = 0.75, calendar: String = "default") {
        self.name = name
        self.target = target
        self.warning = warning
        self.calendar = calendar
    }

    /// Whether time is measured on the calendar (working days/hours) or in plain elapsed seconds.
    public var usesWorkingTime: Bool {
        if case .calendarDays = target { return false }
        return true
    }

    /// The allowed time in seconds of the clock's measure.
    public func targetSeconds(on calendar: WorkCalendar) -> Int64 {
        switch target {
        case .workingDays(let n): Int64(n) * calendar.secondsPerWorkingDay
        case .workingHours(let n): Int64(n) * 3600
        case .calendarDays(let n): Int64(n) * 86_400
        }
    }

    /// Seconds of measured time after which the clock turns yellow (rounded up to whole seconds).
    public func warningSeconds(on calendar: WorkCalendar) -> Int64 {
        let target = targetSeconds(on: calendar)
        return min(target, Int64((Double(target) * warning).rounded(.up)))
    }
}
