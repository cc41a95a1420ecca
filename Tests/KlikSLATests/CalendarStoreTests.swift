import Foundation
import KlikKernel
import KlikStorage
import KlikTesting
import Testing
@testable import KlikSLA

/// A migrated kernel database in a fresh temporary folder.
func migratedDatabase() throws -> Database {
    let dir = try TestKernel.temporaryDirectory()
    let db = try Database(path: dir.appendingPathComponent("klik.db").path)
    try KernelMigrations.apply(to: db)
    return db
}

@Suite struct CalendarStoreTests {
    @Test func seedsTheDefaultCalendarWith2026() throws {
        let store = CalendarStore(database: try migratedDatabase())
        let c = try #require(try store.calendar("default"))
        #expect(c.offset == 25_200 && c.workingDays == [1, 2, 3, 4, 5] && c.hours == nil)
        #expect(c.holidays.count == 25)
        let listed = try store.holidays(year: 2026)
        #expect(listed.first?.date == "2026-01-01" && listed.allSatisfy { $0.source.contains("SKB") })
    }

    @Test func adminsEditHolidaysAndHours() throws {
        let store = CalendarStore(database: try migratedDatabase())
        _ = try store.calendar("default")   // cached, then invalidated by the edits below
        try store.setHoliday(Holiday(date: "2026-09-21", kind: .liburDaerah, name: .init(id: "Hari jadi Pelalawan", en: "Pelalawan anniversary")))
        #expect(try store.calendar("default")!.holidays.contains(CivilDate.parse("2026-09-21")!))
        #expect(try store.removeHoliday(date: "2026-09-21"))
        #expect(try !store.removeHoliday(date: "2026-09-21"))
        try store.save(WorkCalendar(name: "kantor", hours: .init(start: 480, end: 960)), now: Date())
        #expect(try store.calendar("kantor")?.hours == .init(start: 480, end: 960))
        #expect(throws: SLAError.self) { try store.save(WorkCalendar(name: "x", zone: "Mars/Base"), now: Date()) }
        #expect(throws: SLAError.self) { try store.setHoliday(Holiday(date: "2026-13-01", kind: .cutiBersama, name: .init(id: "a", en: "b"))) }
    }
}
