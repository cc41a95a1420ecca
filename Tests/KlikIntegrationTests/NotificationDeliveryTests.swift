import Foundation
import Testing
import KlikCore
import KlikNotify
import KlikTesting

/// Webhook and e-mail channels against real local peers: signatures, retries, dead letters, replay.
@Suite struct NotificationDeliveryTests {
    @Test func webhookGetsASignedPostWithAnIdempotencyKey() throws {
        let receiver = try WebhookReceiver()
        let h = try NotifyHarness()
        let (warga, auth) = try h.user("Hana Warga")
        try h.subscribe(receiver, auth)
        #expect(try h.send("user", warga.id, n: 7).status == 201)
        #expect(receiver.waitFor(1))
        let got = try #require(receiver.requests.first)
        #expect(receiver.invalidSignatures == 0)
        #expect(got.signature.hasPrefix("v1="))
        #expect(got.key.hasPrefix("klik-"))
        #expect(got.json?["idempotency_key"]?.stringValue == got.key)
        #expect(got.json?["notification"]?["title"]?["id"] == "Laporan 7")
        #expect(got.json?["notification"]?["data"]?["n"] == .integer(7))
        // A wrong secret does not verify.
        #expect(!WebhookSignature.verify(secret: "whsec_wrong", timestamp: got.timestamp, body: got.body, signature: got.signature))
        let sent = try h.get("/api/v1/admin/deliveries?state=sent", try admin(h))["deliveries"]?.arrayValue ?? []
        #expect(sent.count == 1)
    }

    @Test func receiverThatIsDownGetsEverythingOnceItIsBack() throws {
        let receiver = try WebhookReceiver()
        let h = try NotifyHarness(notify: { $0.retryBaseSeconds = 10; $0.maxAttempts = 20 })
        let (warga, auth) = try h.user("Indra Warga")
        try h.subscribe(receiver, auth)
        receiver.down()
        for n in 1...5 { #expect(try h.send("user", warga.id, n: n).status == 201) }
        // Every attempt fails while the receiver refuses connections; retries wait on the clock.
        h.notifier.tick()
        #expect(receiver.requests.isEmpty)
        let pending = try h.get("/api/v1/admin/deliveries?state=pending", try admin(h))["deliveries"]?.arrayValue ?? []
        #expect(pending.count == 5)
        #expect(pending.allSatisfy { ($0["attempts"]?.int64Value ?? 0) >= 1 && $0["last_error"]?.stringValue?.isEmpty == false })
        h.kernel.clock.advance(by: 30)
        h.notifier.tick()
        try receiver.up()
        h.kernel.clock.advance(by: 120) // past the longest jittered backoff so far
        h.notifier.tick()
        #expect(receiver.waitFor(5, timeout: 5))
        #expect(Set(receiver.deliveries.values.compactMap { $0.json?["notification"]?["data"]?["n"]?.int64Value }) == [1, 2, 3, 4, 5])
    }

    @Test func deliveryGoesDeadAfterTheLimitAndAdminReplayDeliversIt() throws {
        let receiver = try WebhookReceiver()
        let h = try NotifyHarness(notify: { $0.retryBaseSeconds = 1; $0.maxAttempts = 3 })
        let (warga, auth) = try h.user("Joko Warga")
        let adminAuth = try admin(h)
        try h.subscribe(receiver, auth)
        receiver.down()
        #expect(try h.send("user", warga.id).status == 201)
        for _ in 0..<3 {
            h.notifier.tick()
            h.kernel.clock.advance(by: 10)
        }
        let dead = try h.get("/api/v1/admin/deliveries?state=dead", adminAuth)["deliveries"]?.arrayValue ?? []
        #expect(dead.count == 1)
        #expect(dead.first?["attempts"] == .integer(3))
        let id = try #require(dead.first?["id"]?.int64Value)
        try receiver.up()
        #expect(try h.post("/api/v1/admin/deliveries/\(id)/replay", auth).status == 403)
        #expect(try h.post("/api/v1/admin/deliveries/999999/replay", adminAuth).status == 404)
        #expect(try h.post("/api/v1/admin/deliveries/\(id)/replay", adminAuth).status == 200)
        h.notifier.tick()
        #expect(receiver.waitFor(1, timeout: 5))
        #expect(try h.get("/api/v1/admin/deliveries?state=dead", adminAuth)["deliveries"]?.arrayValue?.isEmpty == true)
    }

    @Test func opdWebhookAndUserEmailChannels() throws {
        let receiver = try WebhookReceiver()
        let smtp = try SMTPTestServer()
        let h = try NotifyHarness(notify: { options in
            options.smtp.host = "127.0.0.1"
            options.smtp.port = smtp.port
            options.smtp.startTLS = false
            options.smtp.from = "klik@kampar.example"
        })
        let adminAuth = try admin(h)
        let (petugas, petugasAuth) = try h.user("Kiki Petugas", roles: [.petugas], opds: ["DINKES"])
        try h.subscribe(receiver, adminAuth, path: "/api/v1/admin/opds/DINKES/channels")
        let email = try h.post("/api/v1/me/channels", petugasAuth, json: ["kind": "email"]) // the account's address
        #expect(email.status == 201)
        #expect(try h.post("/api/v1/me/channels", petugasAuth, json: ["kind": "email", "address": "not an address"]).status == 400)
        #expect(try h.post("/api/v1/me/channels", petugasAuth, json: ["kind": "webhook", "url": "ftp://x"]).status == 400)

        #expect(try h.send("opd", "DINKES", n: 9).status == 201)
        #expect(receiver.waitFor(1))
        #expect(smtp.waitFor(1))
        let message = try #require(smtp.messages.first)
        #expect(message.recipients == [petugas.email!])
        #expect(message.from == "klik@kampar.example")
        #expect(message.data.contains("Subject: Laporan 9 / Report 9"))
        let body = message.data.components(separatedBy: "\r\n\r\n").dropFirst().joined().replacingOccurrences(of: "\r\n", with: "")
        let decoded = String(decoding: Data(base64Encoded: body) ?? Data(), as: UTF8.self)
        #expect(decoded.contains("Laporan Anda diperbarui 9") && decoded.contains("Your report was updated 9"))
        // A user notification does not go to the OPD's webhook.
        #expect(try h.send("user", petugas.id, n: 10).status == 201)
        #expect(smtp.waitFor(2))
        #expect(receiver.deliveries.count == 1)
    }

    @Test func webhooksToLocalAddressesAndPlainHTTPAreRefusedByDefault() throws {
        let receiver = try WebhookReceiver()
        let h = try NotifyHarness(notify: { $0.allowLocalWebhooks = false })
        let (warga, auth) = try h.user("Umar Warga")
        let plain = try h.post("/api/v1/me/channels", auth, json: ["kind": "webhook", "url": .string(receiver.url)])
        #expect(plain.status == 400)
        #expect(plain.text.contains("must be an https URL"))
        // https to a loopback address is accepted as a subscription but never connected to.
        #expect(try h.post("/api/v1/me/channels", auth, json: ["kind": "webhook", "url": .string("https://127.0.0.1:\(receiver.port)/hook")]).status == 201)
        #expect(try h.send("user", warga.id).status == 201)
        h.notifier.tick()
        let pending = try h.get("/api/v1/admin/deliveries?state=pending", try admin(h))["deliveries"]?.arrayValue ?? []
        #expect(pending.count == 1)
        #expect(pending.first?["attempts"] == .integer(1))
        #expect(receiver.requests.isEmpty)
    }

    @Test func requiredSTARTTLSIsNeverSkippedAndThePasswordNeverLogged() throws {
        let smtp = try SMTPTestServer() // offers no STARTTLS
        let h = try NotifyHarness(notify: { options in
            options.smtp.host = "127.0.0.1"
            options.smtp.port = smtp.port
            options.smtp.startTLS = true
            options.smtp.username = "klik"
            options.smtp.password = "Rahasia-SMTP-4242"
        })
        let (warga, auth) = try h.user("Vina Warga")
        #expect(try h.post("/api/v1/me/channels", auth, json: ["kind": "email"]).status == 201)
        #expect(try h.send("user", warga.id).status == 201)
        h.notifier.tick()
        let pending = try h.get("/api/v1/admin/deliveries?state=pending", try admin(h))["deliveries"]?.arrayValue ?? []
        #expect(pending.count == 1)
        #expect(pending.first?["last_error"]?.stringValue?.hasPrefix("email:") == true)
        #expect(smtp.messages.isEmpty)
        #expect(!h.kernel.logs.lines.joined().contains("Rahasia-SMTP-4242"))
        #expect(h.kernel.logs.lines.joined().contains("notify: delivery failed"))
    }

    @Test func backoffDoublesAndIsCapped() {
        #expect(DeliveryStoreBackoff.delay(attempt: 1) == 5)
        #expect(DeliveryStoreBackoff.delay(attempt: 4) == 40)
        #expect(DeliveryStoreBackoff.delay(attempt: 30) == 3600)
    }

    private func admin(_ h: NotifyHarness) throws -> [String: String] {
        try h.user("Admin \(UInt16.random(in: 1...9999))", roles: [.admin]).auth
    }
}
