import KlikStorage

/// Traffic-light colour of a clock.
public enum SLAColour: String, Sendable, CaseIterable { case green, yellow, red }

/// Lifecycle of a clock.
public enum SLAState: String, Sendable { case running, paused, completed, cancelled }

/// One row of `klik_sla_clocks` and the pure rules on it. Times are Unix seconds; `accrued` is the
/// measured time of the finished running segments, `resumedAt` the start of the current one.
/// `warnAt`/`dueAt` are the instants the clock turns yellow/red if it keeps running; `fired` is
/// the last colour the engine announced; `nextAt` the time of the next announcement (or nil).
public struct ClockRecord: Sendable {
    public var id: Int64 = 0
    public var plugin: String
    public var policy: String
    public var subject: String
    public var opd: String?
    public var category: String?
    public var calendar: String
    public var working: Bool
    public var target: Int64
    public var warning: Int64
    public var state: SLAState = .running
    public var cycle: Int64 = 1
    public var startedAt: Int64
    public var accrued: Int64 = 0
    public var resumedAt: Int64?
    public var haltedAt: Int64?
    public var warnAt: Int64?
    public var dueAt: Int64?
    public var finishedAt: Int64?
    public var metLate = false
    public var colour: SLAColour = .green
    public var fired: SLAColour = .green
    public var nextAt: Int64?

    static let columns = "id, plugin, policy, subject, opd, category, calendar, working, target, warning, state, cycle, started_at, accrued, resumed_at, halted_at, warn_at, due_at, finished_at, met_late, colour, fired, next_at"

    init(plugin: String, policy: String, subject: String, opd: String?, category: String?, calendar: String,
         working: Bool, target: Int64, warning: Int64, startedAt: Int64) {
        self.plugin = plugin; self.policy = policy; self.subject = subject; self.opd = opd; self.category = category
        self.calendar = calendar; self.working = working; self.target = target; self.warning = warning; self.startedAt = startedAt
    }

    init(row r: Row) {
        plugin = r[1].string ?? ""; policy = r[2].string ?? ""; subject = r[3].string ?? ""
        opd = r[4].string; category = r[5].string; calendar = r[6].string ?? "default"
        working = r[7].int64 == 1; target = r[8].int64 ?? 0; warning = r[9].int64 ?? 0
        startedAt = r[12].int64 ?? 0
        id = r[0].int64 ?? 0
        state = SLAState(rawValue: r[10].string ?? "") ?? .cancelled
        cycle = r[11].int64 ?? 1; accrued = r[13].int64 ?? 0; resumedAt = r[14].int64; haltedAt = r[15].int64
        warnAt = r[16].int64; dueAt = r[17].int64; finishedAt = r[18].int64; metLate = r[19].int64 == 1
        colour = SLAColour(rawValue: r[20].string ?? "") ?? .green; fired = SLAColour(rawValue: r[21].string ?? "") ?? .green
        nextAt = r[22].int64
    }

    var values: [SQLValue] {
        [.text(plugin), .text(policy), .text(subject), opd.map(SQLValue.text) ?? .null, category.map(SQLValue.text) ?? .null,
         .text(calendar), .integer(working ? 1 : 0), .integer(target), .integer(warning), .text(state.rawValue), .integer(cycle),
         .integer(startedAt), .integer(accrued), opt(resumedAt), opt(haltedAt), opt(warnAt), opt(dueAt), opt(finishedAt),
         .integer(metLate ? 1 : 0), .text(colour.rawValue), .text(fired.rawValue), opt(nextAt)]
    }

    private func opt(_ v: Int64?) -> SQLValue { v.map(SQLValue.integer) ?? .null }

    /// Measured time so far.
    public func elapsed(at now: Int64, _ measure: ClockMeasure) -> Int64 {
        guard state == .running, let r = resumedAt else { return accrued }
        return accrued + measure.elapsed(from: r, to: now)
    }

    /// The colour now: live while running, frozen while paused or cancelled, green once completed
    /// (a late completion keeps `metLate`).
    public func colour(at now: Int64) -> SLAColour {
        switch state {
        case .running:
            if let d = dueAt, now >= d { return .red }
            if let w = warnAt, now >= w { return .yellow }
            return .green
        case .completed: return .green
        case .paused, .cancelled: return colour
        }
    }

    /// Starts a running segment at `now` and projects when the clock turns yellow and red.
    mutating func run(from now: Int64, _ measure: ClockMeasure) {
        state = .running
        resumedAt = now
        haltedAt = nil
        if accrued < warning || warnAt == nil { warnAt = measure.adding(max(0, warning - accrued), to: now) }
        if accrued < target || dueAt == nil { dueAt = measure.adding(max(0, target - accrued), to: now) }
        scheduleNext()
    }

    /// Ends the running segment at `now` (pause or completion): accrues time and freezes the colour.
    mutating func halt(at now: Int64, to newState: SLAState, _ measure: ClockMeasure) {
        if state == .running { colour = colour(at: now); accrued = elapsed(at: now, measure) }
        if state != .cancelled { haltedAt = haltedAt ?? now }
        state = newState
        resumedAt = nil
        if newState == .completed { finishedAt = now; metLate = accrued >= target }
        if newState == .cancelled { finishedAt = now; nextAt = nil } else { scheduleNext() }
    }

    /// The next transition the engine owes: the one after `fired`, if it happens while the clock runs
    /// (or happened before it was halted).
    mutating func scheduleNext() {
        nextAt = ClockRecord.next(after: fired, warnAt: warnAt, dueAt: dueAt, state: state, haltedAt: haltedAt)
    }

    /// The next transition owed after `fired`: the warning or the breach, if it happens while the
    /// clock runs (or happened before it was halted); nil when none is owed.
    static func next(after fired: SLAColour, warnAt: Int64?, dueAt: Int64?, state: SLAState, haltedAt: Int64?) -> Int64? {
        let candidate: Int64? = switch fired {
        case .green: warnAt
        case .yellow: dueAt
        case .red: nil
        }
        guard let c = candidate else { return nil }
        if state == .running { return c }
        if state != .cancelled, let h = haltedAt, c <= h { return c }
        return nil
    }
}
