import Foundation
import Testing
import KlikCore
import KlikTesting

/// The outbox across `kill -9`: the real `klik serve` process is killed during a burst of
/// notifications, then restarted on the same data.
@Suite struct NotificationCrashTests {
    final class Accepted: @unchecked Sendable {
        private let lock = NSLock()
        private var ids: [Int64] = []
        private var stopped = false
        func add(_ id: Int64) { lock.withLock { ids.append(id) } }
        var all: [Int64] { lock.withLock { ids } }
        func stop() { lock.withLock { stopped = true } }
        var isStopped: Bool { lock.withLock { stopped } }
    }

    @Test func everyAcceptedNotificationSurvivesKill9() throws {
        let receiver = try WebhookReceiver()
        let dir = try Fixtures.folder(with: ["kabar"])
        let arguments = ["serve", "--port", "0", "--data", dir.appendingPathComponent("data").path,
                         "--manifests", dir.appendingPathComponent("Manifests").path, "--plugins", dir.appendingPathComponent("Plugins").path]
        let environment = ["KLIK_NOTIFY_PER_MINUTE": "1000000", "KLIK_WEBHOOK_ALLOW_LOCAL": "1"]
        let first = try KlikProcess(arguments, environment: environment)
        let port = try first.waitForPort()
        let client = TestClient(port: port)

        // A citizen with a webhook subscription.
        let password = "Sungai-Kampar-crash-\(UInt16.random(in: 1000...9999))"
        let registered = try client.post("/api/v1/auth/register", json: #"{"name":"Tari Warga","email":"tari@example.test","password":"\#(password)"}"#)
        #expect(registered.status == 201)
        let userId = try #require(try JSONParser.parse(registered.body)["user"]?["id"]?.stringValue)
        let login = try client.post("/api/v1/auth/login", json: #"{"login":"tari@example.test","password":"\#(password)"}"#)
        let token = try #require(try JSONParser.parse(login.body)["token"]?.stringValue)
        let auth = ["Authorization": "Bearer " + token]
        let channel = try client.post("/api/v1/me/channels", json: #"{"kind":"webhook","url":"\#(receiver.url)"}"#, headers: auth)
        receiver.secret = try #require(try JSONParser.parse(channel.body)["channel"]?["secret"]?.stringValue)

        // A burst from four clients; kill -9 once some are in.
        let accepted = Accepted()
        let body = "{\"kind\":\"user\",\"to\":\"\(userId)\",\"n\":1}"
        let threads = (0..<4).map { _ in
            Thread {
                while !accepted.isStopped {
                    guard let response = try? client.post("/api/v1/kabar/send", json: body) else { continue }
                    if response.status == 201, let id = (try? JSONParser.parse(response.body))?["id"]?.int64Value { accepted.add(id) }
                }
            }
        }
        threads.forEach { $0.start() }
        let deadline = Date().addingTimeInterval(10)
        while accepted.all.count < 150 && Date() < deadline { usleep(2_000) }
        first.signal(SIGKILL)
        _ = first.waitForExit()
        accepted.stop()
        Thread.sleep(forTimeInterval: 0.2)
        let before = Set(accepted.all)
        #expect(before.count >= 100)

        let second = try KlikProcess(arguments, environment: environment)
        let restarted = TestClient(port: try second.waitForPort())

        // Inbox: every accepted notification exactly once.
        var seen: [Int64: Int] = [:]
        var cursor = ""
        while true {
            let page = try JSONParser.parse(restarted.get("/api/v1/me/notifications?limit=100" + cursor, headers: auth).body)
            for item in page["items"]?.arrayValue ?? [] { seen[item["notification_id"]?.int64Value ?? -1, default: 0] += 1 }
            guard let next = page["next_before"]?.int64Value else { break }
            cursor = "&before=\(next)"
        }
        #expect(before.subtracting(seen.keys).isEmpty, "missing from the inbox: \(before.subtracting(seen.keys).sorted().prefix(10))")
        #expect(seen.values.allSatisfy { $0 == 1 })

        // Webhook: every accepted notification at least once (the receiver dedups by key).
        let delivered: () -> Set<Int64> = {
            Set(receiver.deliveries.values.compactMap { $0.json?["notification"]?["id"]?.int64Value })
        }
        let waitUntil = Date().addingTimeInterval(15)
        while !before.isSubset(of: delivered()) && Date() < waitUntil { usleep(20_000) }
        #expect(before.subtracting(delivered()).isEmpty, "not delivered: \(before.subtracting(delivered()).count)")
        #expect(receiver.invalidSignatures == 0)
        #expect(receiver.requests.count >= receiver.deliveries.count)
        second.signal(SIGTERM)
        #expect(second.waitForExit() == 0)
    }
}
