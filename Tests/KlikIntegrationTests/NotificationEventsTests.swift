import Foundation
import Testing
import KlikCore
import KlikTesting

/// `GET /api/v1/me/events`: live notifications, resuming with Last-Event-ID, heartbeats, and
/// idle streams that hold no worker thread.
@Suite struct NotificationEventsTests {
    @Test func liveNotificationThenResumeWithLastEventID() throws {
        let h = try NotifyHarness()
        let (warga, auth) = try h.user("Lina Warga")
        let stream = try EventStreamClient(port: h.kernel.port, headers: auth)
        #expect(stream.wait(for: ": connected"))
        #expect(stream.text.contains("Content-Type: text/event-stream"))
        #expect(try h.send("user", warga.id, n: 1).status == 201)
        #expect(stream.wait(for: "Laporan 1"))
        #expect(stream.text.contains("event: notification"))
        let first = try #require(stream.eventIds.first, "\(stream.text)")

        // Disconnected while two more arrive; reconnecting with Last-Event-ID replays exactly those.
        stream.connection.shutdownBoth()
        #expect(try h.send("user", warga.id, n: 2).status == 201)
        #expect(try h.send("user", warga.id, n: 3).status == 201)
        var resumed = auth
        resumed["Last-Event-ID"] = String(first)
        let again = try EventStreamClient(port: h.kernel.port, headers: resumed)
        #expect(again.wait(for: "Laporan 3"))
        #expect(again.text.contains("Laporan 2"))
        #expect(!again.text.contains("Laporan 1"))
        #expect(again.eventIds.count == 2 && again.eventIds.allSatisfy { $0 > first })
        // Another user's stream sees nothing of this.
        let (_, otherAuth) = try h.user("Mira Warga")
        let other = try EventStreamClient(port: h.kernel.port, headers: otherAuth)
        #expect(other.wait(for: ": connected"))
        #expect(try h.send("user", warga.id, n: 4).status == 201)
        #expect(again.wait(for: "Laporan 4"))
        #expect(!other.wait(for: "Laporan", timeout: 0.3))
    }

    @Test func heartbeatsKeepAQuietStreamOpenPastTheIdleTimeout() throws {
        let h = try NotifyHarness(notify: { $0.heartbeatSeconds = 0.3 }, configure: { $0.http.idleTimeoutSeconds = 1 })
        let (warga, auth) = try h.user("Nina Warga")
        let stream = try EventStreamClient(port: h.kernel.port, headers: auth)
        #expect(stream.wait(for: ": ping"))
        Thread.sleep(forTimeInterval: 1.6) // longer than the 1 s idle timeout
        #expect(try h.send("user", warga.id, n: 5).status == 201)
        #expect(stream.wait(for: "Laporan 5"))
    }

    @Test func manyIdleStreamsDoNotBlockWorkersAndAllGetTheEvent() throws {
        let h = try NotifyHarness() // two HTTP worker threads
        let (warga, auth) = try h.user("Oki Warga")
        let streams = try (0..<24).map { _ in try EventStreamClient(port: h.kernel.port, headers: auth) }
        for stream in streams { #expect(stream.wait(for: ": connected")) }
        #expect(h.notifier.events.openCount == 24)
        #expect(try h.kernel.client.get("/metrics").text.contains("klik_notify_event_streams 24"))
        let started = Date()
        #expect(try h.kernel.client.get("/healthz").status == 200)
        #expect(Date().timeIntervalSince(started) < 1)
        #expect(try h.send("user", warga.id, n: 6).status == 201)
        for stream in streams { #expect(stream.wait(for: "Laporan 6")) }
        for stream in streams { stream.connection.shutdownBoth() }
    }

    @Test func stoppingTheKernelEndsOpenStreamsPromptly() throws {
        let h = try NotifyHarness()
        let (_, auth) = try h.user("Putri Warga")
        let stream = try EventStreamClient(port: h.kernel.port, headers: auth)
        #expect(stream.wait(for: ": connected"))
        let started = Date()
        h.kernel.stop()
        #expect(Date().timeIntervalSince(started) < 1.5)
        #expect(stream.waitForClose(timeout: 2))
    }
}
