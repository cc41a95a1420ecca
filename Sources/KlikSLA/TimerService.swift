import Foundation
import KlikCore
import KlikStorage

/// The kernel's SLA and schedule services in one place, and the background thread that ticks them.
public final class TimerService: @unchecked Sendable {
    public let calendars: CalendarStore
    public let clocks: SLAClocks
    public let engine: SLAEngine
    public let schedule: ScheduleEngine
    let logger: Logger?
    private let state = NSCondition()
    private var running = false
    private var finished = true
    /// The name of the timer thread (16 MiB stack: Lua handlers may run on it directly).
    public static let threadName = "klik-timers"
    /// Whether the caller is the timer thread.
    public static var onTimerThread: Bool { Thread.current.name == threadName }
    /// Longest sleep between ticks, in seconds.
    public var interval: TimeInterval = 1

    public init(database: Database, clock: any Clock, logger: Logger? = nil) {
        self.logger = logger
        calendars = CalendarStore(database: database)
        clocks = SLAClocks(database: database, calendars: calendars)
        engine = SLAEngine(clocks: clocks, clock: clock, logger: logger)
        schedule = ScheduleEngine(store: ScheduleStore(database: database, calendars: calendars), clock: clock, logger: logger)
    }

    /// Fires due SLA transitions and runs due jobs once (tests call this after moving the fake clock).
    public func tick() {
        do { try engine.tick() } catch { logger?.error("sla engine tick failed", [("error", .string("\(error)"))]) }
        do { try schedule.tick() } catch { logger?.error("schedule tick failed", [("error", .string("\(error)"))]) }
    }

    /// Starts ticking every `interval` seconds on a thread with a large stack (plugin handlers run Lua).
    public func start() {
        state.lock()
        defer { state.unlock() }
        guard !running else { return }
        running = true
        finished = false
        _ = try? schedule.store.recoverInterrupted()
        let t = Thread { [self] in loop() }
        t.stackSize = 16 << 20
        t.name = TimerService.threadName
        t.start()
    }

    private func loop() {
        while true {
            state.lock()
            if !running { finished = true; state.broadcast(); state.unlock(); return }
            state.unlock()
            tick()
            state.lock()
            if running { _ = state.wait(until: Date().addingTimeInterval(interval)) }
            state.unlock()
        }
    }

    /// Stops the thread after its current tick and waits for it.
    public func stop() {
        state.lock()
        guard running else { state.unlock(); return }
        running = false
        state.broadcast()
        while !finished { state.wait() }
        state.unlock()
    }
}
