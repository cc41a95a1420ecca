/// How a clock counts time: working time on a calendar, or plain seconds (calendar-day targets).
/// Both skip paused spans because the clock store only measures running segments.
public enum ClockMeasure: Sendable {
    case working(WorkCalendar)
    case plain

    public func elapsed(from: Int64, to: Int64) -> Int64 {
        switch self {
        case .working(let c): c.workingSeconds(from: from, to: to)
        case .plain: max(0, to - from)
        }
    }

    /// The instant when `seconds` more of measured time have passed after `start`.
    public func adding(_ seconds: Int64, to start: Int64) -> Int64 {
        switch self {
        case .working(let c): c.adding(workingSeconds: seconds, to: start) ?? Int64.max / 2
        case .plain: start + max(0, seconds)
        }
    }
}
