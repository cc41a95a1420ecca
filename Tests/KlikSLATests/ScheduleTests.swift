import Foundation
import KlikCore
import Synchronization
import Testing
@testable import KlikSLA

final class RecordingRunner: ScheduledJobRunner {
    let ran = Mutex<[ScheduledJob]>([])
    func run(_ job: ScheduledJob) -> String? {
        ran.withLock { $0.append(job) }
        return nil
    }
}

@Suite struct ScheduleSpecTests {
    let cal = WorkCalendar(holidays: [CivilDate.parse("2026-02-16")!, CivilDate.parse("2026-02-17")!])

    @Test func parsesTheDocumentedForms() throws {
        #expect(try ScheduleSpec.parse("monday 07:00") == .weekly(days: [1], minute: 420))
        #expect(try ScheduleSpec.parse("Senin 07:00") == .weekly(days: [1], minute: 420))
        #expect(try ScheduleSpec.parse("mon,thu 13:30") == .weekly(days: [1, 4], minute: 810))
        #expect(try ScheduleSpec.parse("daily 00:00") == .weekly(days: Set(1...7), minute: 0))
        #expect(try ScheduleSpec.parse("workdays 07:00") == .workdays(minute: 420))
        #expect(try ScheduleSpec.parse("every 15m") == .interval(seconds: 900))
        for bad in ["monday", "funday 07:00", "monday 7:00", "monday 24:00", "every 0m", "every 5s", ""] {
            #expect(throws: SLAError.self) { try ScheduleSpec.parse(bad) }
        }
    }

    @Test func nextRunsAreInWIB() throws {
        // Sunday 15 Feb 2026 23:00 WIB → Monday 07:00 WIB is 00:00 UTC.
        #expect(try ScheduleSpec.parse("monday 07:00").next(after: wib(2026, 2, 15, 23), calendar: cal) == wib(2026, 2, 16, 7))
        // Exactly at the time: the next week.
        #expect(try ScheduleSpec.parse("monday 07:00").next(after: wib(2026, 2, 16, 7), calendar: cal) == wib(2026, 2, 23, 7))
        // Working days skip the Imlek cuti bersama and holiday (Mon 16, Tue 17 Feb).
        #expect(try ScheduleSpec.parse("workdays 07:00").next(after: wib(2026, 2, 13, 8), calendar: cal) == wib(2026, 2, 18, 7))
        // Intervals skip what was missed while down.
        let every = try ScheduleSpec.parse("every 1h")
        #expect(every.next(after: 10_000, previous: 3600, calendar: cal) == 10_800)
    }
}

@Suite struct ScheduleStoreTests {
    let clock = FakeClock(Date(timeIntervalSince1970: TimeInterval(wib(2026, 2, 15, 12))))
    let engine: ScheduleEngine
    let runner = RecordingRunner()
    var now: Int64 { Int64(clock.now().timeIntervalSince1970) }

    init() throws {
        let db = try migratedDatabase()
        engine = ScheduleEngine(store: ScheduleStore(database: db, calendars: CalendarStore(database: db)), clock: clock)
        engine.set(runner: runner)
    }

    @Test func oneOffJobsRunOnceAndRecurringOnesOncePerOccurrence() throws {
        let once = try engine.store.at(plugin: "p", handler: "h", time: now + 60, args: ["n": 1], now: now)
        let weekly = try engine.store.every(plugin: "p", handler: "weekly_report", spec: "monday 07:00", now: now)
        #expect(try engine.store.every(plugin: "p", handler: "weekly_report", spec: "Monday  07:00", now: now) == weekly)
        #expect(try engine.tick() == 0)
        clock.advance(by: 60)
        #expect(try engine.tick() == 1)
        #expect(try engine.tick() == 0)
        #expect(try engine.store.job(once)?.state == .done)
        // Three weeks of downtime: the weekly job runs once, then waits for the next Monday.
        clock.advance(by: 21 * 86_400)
        #expect(try engine.tick() == 1)
        #expect(try engine.tick() == 0)
        #expect(try engine.store.job(weekly)!.runAt > now)
        #expect(runner.ran.withLock { $0.map(\.handler) } == ["h", "weekly_report"])
        #expect(runner.ran.withLock { $0[0].args } == ["n": 1])
    }

    @Test func cancelledJobsDoNotRunAndInterruptedOnesAreNotRepeated() throws {
        let a = try engine.store.at(plugin: "p", handler: "h", time: now, now: now)
        #expect(try engine.store.cancel(plugin: "p", id: a))
        #expect(try !engine.store.cancel(plugin: "other", id: a))
        let b = try engine.store.at(plugin: "p", handler: "h", time: now, now: now)
        _ = try engine.store.claimDue(now: now, limit: 10)    // claimed, then the process "dies"
        #expect(try engine.store.recoverInterrupted() == 1)
        #expect(try engine.tick() == 0)
        #expect(try engine.store.job(b)?.state == .failed)
    }
}
