import Foundation
import KlikTesting
import Testing

/// `klik calendar`: how admins keep holidays and *cuti bersama* current.
@Suite struct CalendarCommandTests {
    @Test func listsSetsAndRemovesDaysOff() throws {
        let data = try TestKernel.temporaryDirectory().appendingPathComponent("data").path
        let list = try KlikProcess(["calendar", "holidays", "2026", "--data", data])
        #expect(list.waitForExit() == 0)
        #expect(list.stdout.split(separator: "\n").count == 25)
        #expect(list.stdout.contains("2026-03-20  cuti_bersama"))
        let set = try KlikProcess(["calendar", "set-holiday", "2026-09-21", "libur_daerah", "Hari jadi", "Anniversary", "--data", data])
        #expect(set.waitForExit() == 0)
        let again = try KlikProcess(["calendar", "holidays", "2026", "--data", data])
        #expect(again.waitForExit() == 0)
        #expect(again.stdout.contains("2026-09-21  libur_daerah    Hari jadi / Anniversary"))
        let bad = try KlikProcess(["calendar", "set-holiday", "2026-09-31", "libur_daerah", "x", "y", "--data", data])
        #expect(bad.waitForExit() == 1)
        let remove = try KlikProcess(["calendar", "remove-holiday", "2026-09-21", "--data", data])
        #expect(remove.waitForExit() == 0)
        #expect(remove.stdout.contains("removed"))
    }
}
