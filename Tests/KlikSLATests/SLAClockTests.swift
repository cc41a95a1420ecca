import Foundation
import KlikCore
import Testing
@testable import KlikSLA

/// Clocks on the seeded default calendar. 2–6 Feb 2026 is a Monday–Friday week without holidays.
@Suite struct SLAClockTests {
    let clocks: SLAClocks
    let fourDays = SLAPolicy(name: "tindak_lanjut", target: .workingDays(4))

    init() throws {
        let db = try migratedDatabase()
        clocks = SLAClocks(database: db, calendars: CalendarStore(database: db))
    }

    @Test func turnsYellowAndRedExactlyAtTheThresholds() throws {
        let s = try clocks.start(plugin: "p", policy: fourDays, subject: "1", now: wib(2026, 2, 2, 10))
        #expect(s.colour == .green && s.due == wib(2026, 2, 6, 10) && s.remaining == 4 * 86_400)
        func colour(_ t: Int64) throws -> SLAColour { try clocks.status(plugin: "p", subject: "1", now: t)!.colour }
        // 75 % of 4 days = 3 days: Thursday 10:00.
        #expect(try colour(wib(2026, 2, 5, 10) - 1) == .green)
        #expect(try colour(wib(2026, 2, 5, 10)) == .yellow)
        #expect(try colour(wib(2026, 2, 6, 10) - 1) == .yellow)
        #expect(try colour(wib(2026, 2, 6, 10)) == .red)
        let late = try clocks.status(plugin: "p", subject: "1", now: wib(2026, 2, 9, 10))!
        #expect(late.elapsed == 5 * 86_400 && late.remaining == 0)
    }

    @Test func pauseFreezesTimeAndResumeMovesTheDueDate() throws {
        try clocks.start(plugin: "p", policy: fourDays, subject: "1", now: wib(2026, 2, 2, 10))
        let paused = try clocks.pause(plugin: "p", subject: "1", now: wib(2026, 2, 3, 10))
        #expect(paused.record.state == .paused && paused.due == nil && paused.elapsed == 86_400)
        // A week waiting for the reporter costs nothing.
        #expect(try clocks.status(plugin: "p", subject: "1", now: wib(2026, 2, 9, 10))!.elapsed == 86_400)
        let resumed = try clocks.resume(plugin: "p", subject: "1", now: wib(2026, 2, 9, 10))
        #expect(resumed.due == wib(2026, 2, 12, 10) && resumed.colour == .green)
        #expect(throws: SLAError.self) { try clocks.resume(plugin: "p", subject: "1", now: wib(2026, 2, 9, 11)) }
    }

    @Test func completionKeepsMetLateAndRestartReopensANewCycle() throws {
        try clocks.start(plugin: "p", policy: fourDays, subject: "1", now: wib(2026, 2, 2, 10))
        #expect(throws: SLAError.self) { try clocks.start(plugin: "p", policy: fourDays, subject: "1", now: wib(2026, 2, 2, 11)) }
        // Completing exactly at the due time is late: `due` is the moment the clock turns red.
        let done = try clocks.complete(plugin: "p", subject: "1", now: wib(2026, 2, 6, 10))
        #expect(done.record.state == .completed && done.colour == .green && done.record.metLate)
        let reopened = try clocks.restart(plugin: "p", policy: fourDays, subject: "1", now: wib(2026, 2, 9, 8))
        #expect(reopened.record.cycle == 2 && reopened.record.state == .running && !reopened.record.metLate)
        #expect(reopened.elapsed == 0 && reopened.due == wib(2026, 2, 13, 8))
        let onTime = try clocks.complete(plugin: "p", subject: "1", now: wib(2026, 2, 13, 8) - 1)
        #expect(!onTime.record.metLate)
    }

    @Test func startsOutsideWorkingHours() throws {
        try clocks.calendars.save(WorkCalendar(name: "kantor", hours: .init(start: 480, end: 960)), now: Date())
        let policy = SLAPolicy(name: "verifikasi", target: .workingHours(8), calendar: "kantor")
        // Saturday 7 Feb 09:00: nothing counts until Monday 08:00; 8 office hours end Monday 16:00.
        let s = try clocks.start(plugin: "p", policy: policy, subject: "1", now: wib(2026, 2, 7, 9))
        #expect(s.due == wib(2026, 2, 9, 16))
        #expect(try clocks.status(plugin: "p", subject: "1", now: wib(2026, 2, 9, 7))!.elapsed == 0)
        #expect(try clocks.status(plugin: "p", subject: "1", now: wib(2026, 2, 9, 14))!.colour == .yellow)
    }

    @Test func zeroTargetIsRedAtOnce() throws {
        let s = try clocks.start(plugin: "p", policy: SLAPolicy(name: "segera", target: .workingDays(0)), subject: "1", now: wib(2026, 2, 7, 9))
        #expect(s.colour == .red && s.due == wib(2026, 2, 7, 9) && s.remaining == 0)
    }

    @Test func calendarDaysIgnoreWeekendsAndHolidays() throws {
        let s = try clocks.start(plugin: "p", policy: SLAPolicy(name: "selesai", target: .calendarDays(60)), subject: "1", now: wib(2026, 3, 1, 10))
        #expect(s.due == wib(2026, 3, 1, 10) + 60 * 86_400)
    }

    @Test func countsByOPDCategoryAndColour() throws {
        let t0 = wib(2026, 2, 2, 10)
        try clocks.start(plugin: "p", policy: fourDays, subject: "a", opd: "PUPR", category: "jalan", now: t0)
        try clocks.start(plugin: "p", policy: fourDays, subject: "b", opd: "PUPR", category: "drainase", now: t0 + 2 * 86_400)
        try clocks.start(plugin: "p", policy: fourDays, subject: "c", opd: "DLH", category: "sampah", now: t0 + 3 * 86_400)
        try clocks.start(plugin: "q", policy: fourDays, subject: "other", opd: "DLH", now: t0)
        try clocks.cancel(plugin: "p", subject: "c", now: t0 + 3 * 86_400 + 60)
        let now = wib(2026, 2, 6, 12)   // a: red (due Fri 10:00); b: 2 days 2 h of 4 → green
        let byOPD = try clocks.counts(plugin: "p", by: .opd, now: now)
        #expect(byOPD == [SLACountGroup(key: "PUPR", total: 2, green: 1, yellow: 0, red: 1, metLate: 0, open: 2)])
        let byColour = try clocks.counts(plugin: "p", by: .colour, now: now)
        #expect(byColour.map(\.key) == ["green", "red"])
        #expect(try clocks.counts(plugin: "p", by: .category, filter: .init(opd: "PUPR"), now: now).map(\.key) == ["drainase", "jalan"])
        #expect(try clocks.counts(plugin: nil, by: .opd, now: now).count == 2)
    }
}
