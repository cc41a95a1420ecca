import Foundation
import Testing
import KlikAuth
import KlikCore
import KlikTesting

/// Admins keep the working-day calendar: list, set and remove days off, audited.
@Suite struct AdminCalendarTests {
    @Test func adminsEditDaysOffAndEveryChangeIsAudited() throws {
        let k = try TestKernel()
        _ = try k.addUser("Admin", roles: [.admin], password: "Sungai-Kampar-2026!")
        let admin = try k.signIn("admin@example.test", "Sungai-Kampar-2026!")
        let auth = ["Authorization": "Bearer \(admin.token)"]

        let seeded = try JSONParser.parse(k.client.get("/api/v1/admin/calendar/holidays?year=2026", headers: auth).body)
        #expect((seeded["holidays"]?.arrayValue?.count ?? 0) >= 20)

        let body = Array(#"{"kind":"libur_daerah","name":{"id":"Hari Jadi Kabupaten Pelalawan","en":"Pelalawan Regency Day"},"source":"Perbup (check)"}"#.utf8)
        let put = try k.client.request("PUT", "/api/v1/admin/calendar/holidays/2026-10-12",
                                       headers: auth.merging(["Content-Type": "application/json"]) { a, _ in a }, body: body)
        #expect(put.status == 200)
        let after = try JSONParser.parse(k.client.get("/api/v1/admin/calendar/holidays?year=2026", headers: auth).body)
        #expect(after["holidays"]?.arrayValue?.contains { $0["date"] == "2026-10-12" && $0["kind"] == "libur_daerah" } == true)

        let bad = try k.client.request("PUT", "/api/v1/admin/calendar/holidays/2026-10-13",
                                       headers: auth.merging(["Content-Type": "application/json"]) { a, _ in a },
                                       body: Array(#"{"kind":"pesta","name":{"id":"x","en":"y"}}"#.utf8))
        #expect(bad.status == 400)
        #expect(try JSONParser.parse(bad.body)["error"]?["message"]?.stringValue?.contains("'kind'") == true)

        #expect(try k.client.request("DELETE", "/api/v1/admin/calendar/holidays/2026-10-12", headers: auth).status == 200)
        #expect(try k.client.request("DELETE", "/api/v1/admin/calendar/holidays/2026-10-12", headers: auth).status == 404)

        k.kernel.plugins.audit.flush()
        let actions = try k.kernel.database.read { c in
            try c.query("SELECT action, detail FROM klik_audit WHERE action LIKE 'calendar.%' ORDER BY id").map { ($0[0].string ?? "", $0[1].string ?? "") }
        }
        #expect(actions.map(\.0) == ["calendar.set_holiday", "calendar.remove_holiday"])
        #expect(actions.first?.1.contains("Pelalawan Regency Day") == true)
    }
}
