import Foundation
import Testing
import KlikAuth
import KlikCore
import KlikTesting

/// SLA colour changes reach people: a warning the clock's OPD, a breach the OPD and the pimpinan.
@Suite struct SLANotificationTests {
    @Test func warningAndBreachNotifyTheRightPeopleOnce() throws {
        let k = try Fixtures.kernel(["slacheck"])
        let officer = try k.addUser("Petugas PUPR", roles: [.petugas], opds: ["DPUPR"], password: "Sungai-Kampar-2026!")
        let other = try k.addUser("Petugas DLH", roles: [.petugas], opds: ["DLH"], password: "Sungai-Kampar-2026!")
        let regent = try k.addUser("Bupati", roles: [.pimpinan], password: "Sungai-Kampar-2026!")
        // Monday 2026-03-02 09:00 WIB: a 5-working-day clock with the warning at 80 %.
        k.clock.set(Date(timeIntervalSince1970: 1_772_416_800))
        let policy = try #require(k.kernel.plugins.manifest("slacheck")?.sla["tindak_lanjut"])
        let now = { Int64(k.clock.now().timeIntervalSince1970) }
        _ = try k.kernel.timers.clocks.start(plugin: "slacheck", policy: policy, subject: "laporan-17", opd: "DPUPR", now: now())

        func inbox(_ user: String) throws -> [JSONValue] {
            try k.kernel.notifier.inbox.page(user: user, before: nil, limit: 50, unreadOnly: false).items
        }
        k.clock.advance(by: 24 * 3600)
        k.kernel.timers.tick()
        #expect(try inbox(officer.id).isEmpty)

        k.clock.advance(by: 4 * 24 * 3600)       // Friday: past 80 % of five working days
        k.kernel.timers.tick()
        k.kernel.timers.tick()
        let warned = try inbox(officer.id)
        #expect(warned.count == 1)
        #expect(warned.first?["title"]?["id"] == "Tenggat hampir habis: laporan-17")
        #expect(try inbox(regent.id).isEmpty)

        k.clock.advance(by: 7 * 24 * 3600)       // the next week: breached
        k.kernel.timers.tick()
        k.kernel.timers.tick()
        #expect(try inbox(officer.id).count == 2)
        let regentInbox = try inbox(regent.id)
        #expect(regentInbox.count == 1)
        #expect(regentInbox.first?["title"]?["en"] == "Deadline missed: laporan-17")
        #expect(try inbox(other.id).isEmpty)
    }
}
