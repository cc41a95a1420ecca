import Testing
@testable import KlikSLA

/// Instants in WIB for readable tests: `wib(2026, 1, 5, 10)` is Monday 5 January 2026, 10:00 WIB.
func wib(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 0, _ min: Int = 0) -> Int64 {
    CivilDate.day(year: y, month: m, day: d) * 86_400 + Int64(h * 3600 + min * 60) - 25_200
}

func seeded() -> WorkCalendar {
    WorkCalendar(holidays: Set(HolidaySeed2026.entries.compactMap { CivilDate.parse($0.date) }))
}

@Suite struct CivilDateTests {
    @Test func roundTripsAndWeekdays() {
        #expect(CivilDate.weekday(CivilDate.day(year: 2026, month: 1, day: 1)) == 4)   // Thursday
        #expect(CivilDate.weekday(CivilDate.day(year: 2026, month: 1, day: 5)) == 1)   // Monday
        #expect(CivilDate.format(CivilDate.parse("2028-02-29")!) == "2028-02-29")
        #expect(CivilDate.parse("2026-02-29") == nil)
        #expect(CivilDate.day(of: wib(2026, 1, 1, 0), offset: 25_200) == CivilDate.day(year: 2026, month: 1, day: 1))
        #expect(CivilDate.rfc3339(wib(2026, 3, 19, 16), offset: 25_200) == "2026-03-19T16:00:00+07:00")
    }

    @Test func seedHasSeventeenHolidaysAndEightCutiBersama() {
        #expect(HolidaySeed2026.entries.filter { $0.kind == "libur_nasional" }.count == 17)
        #expect(HolidaySeed2026.entries.filter { $0.kind == "cuti_bersama" }.count == 8)
        #expect(HolidaySeed2026.entries.allSatisfy { CivilDate.parse($0.date) != nil })
    }
}

@Suite struct WorkCalendarTests {
    let plain = WorkCalendar()
    let office = WorkCalendar(hours: .init(start: 8 * 60, end: 16 * 60))

    @Test func skipsWeekends() {
        // Friday 10:00 + 1 working day = Monday 10:00.
        #expect(plain.adding(workingDays: 1, to: wib(2026, 1, 9, 10)) == wib(2026, 1, 12, 10))
        #expect(plain.workingSeconds(from: wib(2026, 1, 9, 10), to: wib(2026, 1, 12, 10)) == 86_400)
    }

    @Test func skipsHolidaysAndCutiBersama() {
        // Idul Fitri 2026: Thu 19 Mar Nyepi, Fri 20 cuti, Sat-Sun Idul Fitri, Mon 23 + Tue 24 cuti.
        // Wed 18 Mar (cuti Nyepi) is off too: from Tue 17 Mar 10:00, 1 working day lands on Wed 25 Mar 10:00.
        let c = seeded()
        #expect(c.adding(workingDays: 1, to: wib(2026, 3, 17, 10)) == wib(2026, 3, 25, 10))
        #expect(c.workingSeconds(from: wib(2026, 3, 17, 0), to: wib(2026, 3, 26, 0)) == 2 * 86_400)
    }

    @Test func crossesTheYearBoundary() {
        // Wed 30 Dec 2026 12:00 + 3 working days: Thu 31 Dec, (Fri 1 Jan 2027 is not seeded: a working day), Mon 4 Jan.
        #expect(plain.adding(workingDays: 3, to: wib(2026, 12, 30, 12)) == wib(2027, 1, 4, 12))
        // With 2026's seed, Christmas Eve (cuti) and Christmas are skipped: Wed 23 Dec 12:00 + 2 = Tue 29 Dec 12:00.
        #expect(seeded().adding(workingDays: 2, to: wib(2026, 12, 23, 12)) == wib(2026, 12, 29, 12))
        // Day numbers before 1970 and across years stay consistent.
        #expect(CivilDate.format(CivilDate.day(of: wib(2027, 1, 1, 0), offset: 25_200)) == "2027-01-01")
    }

    @Test func officeHoursCountOnlyInsideTheWindow() {
        // Started Saturday (outside working time): counting begins Monday 08:00; 1 day = 8 h → Monday 16:00.
        #expect(office.adding(workingDays: 1, to: wib(2026, 1, 10, 9)) == wib(2026, 1, 12, 16))
        // Started Monday 06:00, before opening: 3 working hours → 11:00.
        #expect(office.adding(workingSeconds: 3 * 3600, to: wib(2026, 1, 12, 6)) == wib(2026, 1, 12, 11))
        // Started Monday 15:00: 2 working hours → 1 h Monday + 1 h Tuesday → Tuesday 09:00.
        #expect(office.adding(workingSeconds: 2 * 3600, to: wib(2026, 1, 12, 15)) == wib(2026, 1, 13, 9))
        #expect(office.workingSeconds(from: wib(2026, 1, 12, 15), to: wib(2026, 1, 13, 9)) == 2 * 3600)
        #expect(office.workingSeconds(from: wib(2026, 1, 10, 0), to: wib(2026, 1, 11, 23)) == 0)
    }

    @Test func zeroTargetIsDueAtOnce() {
        #expect(plain.adding(workingDays: 0, to: wib(2026, 1, 10, 9)) == wib(2026, 1, 10, 9))
    }

    @Test func endsExactlyAtClosingTime() {
        // Monday 08:00 + 8 working hours = Monday 16:00, not Tuesday 08:00.
        #expect(office.adding(workingSeconds: 8 * 3600, to: wib(2026, 1, 12, 8)) == wib(2026, 1, 12, 16))
    }

    @Test func aCalendarWithoutWorkingDaysNeverEnds() {
        #expect(WorkCalendar(workingDays: []).adding(workingDays: 1, to: 0) == nil)
    }
}
