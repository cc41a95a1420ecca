import Foundation
import Testing
import KlikCore
import KlikTesting

/// `klik.notify` from a plugin into inboxes, and the inbox API.
@Suite struct NotificationInboxTests {
    @Test func userRoleAndOPDNotificationsReachEachInboxOnce() throws {
        let h = try NotifyHarness()
        let (warga, wargaAuth) = try h.user("Siti Warga")
        let (_, petugasAuth) = try h.user("Budi Petugas", roles: [.petugas], opds: ["DPUPR"])
        let (_, kepalaAuth) = try h.user("Rina Kepala", roles: [.kepalaOPD], opds: ["DPUPR"])

        #expect(try h.send("user", warga.id, n: 1).status == 201)
        let role = try h.send("role", "petugas", n: 2)
        #expect(role.status == 201)
        #expect(try JSONParser.parse(role.body)["recipients"] == .integer(1))
        #expect(try h.send("opd", "DPUPR", n: 3).status == 201)

        let inbox = try h.get("/api/v1/me/notifications", wargaAuth)
        let items = try #require(inbox["items"]?.arrayValue)
        #expect(items.count == 1)
        #expect(items[0]["title"]?["id"] == "Laporan 1")
        #expect(items[0]["title"]?["en"] == "Report 1")
        #expect(items[0]["link"] == "/lapor/1")
        #expect(items[0]["data"]?["n"] == .integer(1))
        #expect(items[0]["plugin"] == "kabar")
        #expect(items[0]["read_at"] == .null)
        #expect(try h.get("/api/v1/me/notifications", petugasAuth)["items"]?.arrayValue?.count == 2)
        #expect(try h.get("/api/v1/me/notifications", kepalaAuth)["items"]?.arrayValue?.count == 1)
    }

    @Test func pagingUnreadFilterAndMarkingRead() throws {
        let h = try NotifyHarness()
        let (warga, auth) = try h.user("Andi Warga")
        for n in 1...5 { #expect(try h.send("user", warga.id, n: n).status == 201) }
        #expect(try h.get("/api/v1/me/notifications/unread-count", auth)["unread"] == .integer(5))

        let first = try h.get("/api/v1/me/notifications?limit=2", auth)
        let page1 = try #require(first["items"]?.arrayValue)
        #expect(page1.map { $0["data"]?["n"] } == [.integer(5), .integer(4)]) // newest first
        let before = try #require(first["next_before"]?.int64Value)
        let second = try h.get("/api/v1/me/notifications?limit=2&before=\(before)", auth)
        #expect(second["items"]?.arrayValue?.map { $0["data"]?["n"] } == [.integer(3), .integer(2)])

        let newest = try #require(page1[0]["id"]?.int64Value)
        #expect(try h.post("/api/v1/me/notifications/\(newest)/read", auth).status == 200)
        #expect(try h.get("/api/v1/me/notifications/unread-count", auth)["unread"] == .integer(4))
        let unread = try h.get("/api/v1/me/notifications?unread=1&limit=10", auth)["items"]?.arrayValue ?? []
        #expect(unread.count == 4 && !unread.contains { $0["id"]?.int64Value == newest })

        // Someone else's notification cannot be marked.
        let (_, otherAuth) = try h.user("Lain Warga")
        #expect(try h.post("/api/v1/me/notifications/\(newest)/read", otherAuth).status == 404)

        #expect(try JSONParser.parse(h.post("/api/v1/me/notifications/read-all", auth).body)["updated"] == .integer(4))
        #expect(try h.get("/api/v1/me/notifications/unread-count", auth)["unread"] == .integer(0))
        #expect(try h.kernel.client.get("/api/v1/me/notifications").status == 401)
    }

    @Test func invalidMessagesAndRecipientsAreClearLuaErrors() throws {
        let h = try NotifyHarness()
        let (warga, _) = try h.user("Dewi Warga")
        func error(_ json: JSONValue) throws -> String {
            let response = try h.kernel.client.post("/api/v1/kabar/send", json: JSONWriter.string(json))
            #expect(response.status == 422)
            return try JSONParser.parse(response.body)["error"]?.stringValue ?? ""
        }
        #expect(try error(["kind": "user", "to": "no-such-user", "n": 1]).contains("klik.notify.user: no user with id 'no-such-user'"))
        #expect(try error(["kind": "role", "to": "raja", "n": 1]).contains("klik.notify.role: unknown role 'raja'"))
        #expect(try error(["kind": "opd", "to": "NONE", "n": 1]).contains("klik.notify.opd: no OPD with code 'NONE'"))
        #expect(try error(["kind": "user", "to": .string(warga.id), "msg": ["title": ["id": "Hai"], "body": ["id": "x", "en": "x"]]])
            .contains("message.title.en is required"))
        #expect(try error(["kind": "user", "to": .string(warga.id), "msg": ["title": ["id": "a", "en": "a"], "body": ["id": "b", "en": "b"], "colour": "red"]])
            .contains("unknown field 'colour'"))
    }

    @Test func quotaRefusesTheFloodingPluginWithAClearError() throws {
        let h = try NotifyHarness(notify: { $0.perPluginPerMinute = 3 })
        let (warga, auth) = try h.user("Eko Warga")
        for n in 1...3 { #expect(try h.send("user", warga.id, n: n).status == 201) }
        let refused = try h.send("user", warga.id, n: 4)
        #expect(refused.status == 422)
        #expect(refused.text.contains("quota exceeded: plugin 'kabar' may send 3 notifications per minute"))
        #expect(try h.get("/api/v1/me/notifications/unread-count", auth)["unread"] == .integer(3))
        h.kernel.clock.advance(by: 61)
        #expect(try h.send("user", warga.id, n: 5).status == 201)
    }

    @Test func pluginWithoutNotifyPermissionIsRefused() throws {
        let h = try NotifyHarness(plugins: ["kabar", "tanpa-izin"])
        let (warga, auth) = try h.user("Fajar Warga")
        let response = try h.kernel.client.post("/api/v1/tanpa-izin/send", json: "{\"to\":\"\(warga.id)\"}")
        #expect(response.status == 403)
        #expect(response.text.contains("permission 'notify' is not declared in the manifest of plugin tanpa-izin"))
        #expect(try h.get("/api/v1/me/notifications/unread-count", auth)["unread"] == .integer(0))
    }

    @Test func notificationInsideARolledBackTransactionIsNotSent() throws {
        let h = try NotifyHarness()
        let (warga, auth) = try h.user("Gita Warga")
        let failed = try h.kernel.client.post("/api/v1/kabar/in-transaction", json: "{\"to\":\"\(warga.id)\",\"n\":1,\"fail\":true}")
        #expect(try JSONParser.parse(failed.body)["committed"] == false)
        #expect(try h.get("/api/v1/me/notifications/unread-count", auth)["unread"] == .integer(0))
        let committed = try h.kernel.client.post("/api/v1/kabar/in-transaction", json: "{\"to\":\"\(warga.id)\",\"n\":2}")
        #expect(try JSONParser.parse(committed.body)["committed"] == true)
        #expect(try h.get("/api/v1/me/notifications/unread-count", auth)["unread"] == .integer(1))
    }
}
