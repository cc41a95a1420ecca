import Foundation
import Synchronization
import Testing
import KlikCore
import KlikHTTP
import KlikTesting

/// Counts how many deferred jobs run at once.
final class ConcurrencyProbe: Sendable {
    let running = Atomic<Int>(0)
    let peak = Atomic<Int>(0)
    func run(_ body: () -> Void) {
        let now = running.add(1, ordering: .sequentiallyConsistent).newValue
        _ = peak.max(now, ordering: .sequentiallyConsistent)
        body()
        running.subtract(1, ordering: .sequentiallyConsistent)
    }
}

/// `HTTPResponse.deferred`: slow work runs off the HTTP workers, bounded, and keep-alive survives.
@Suite(.serialized) struct DeferredResponseTests {
    let probe = ConcurrencyProbe()
    let kernel: TestKernel

    init() throws {
        let probe = self.probe
        kernel = try TestKernel(extraRoutes: { routes in
            routes.add("GET", "/test/slow") { request in
                .deferred {
                    probe.run { usleep(80_000) }
                    return .json(["done": .string(request.query["n"] ?? "")])
                }
            }
        })
    }

    @Test func deferredAnswerArrivesOnAKeptAliveConnection() throws {
        let connection = try TestConnection(port: kernel.port)
        let first = try connection.request("GET", "/test/slow?n=1")
        #expect(first.status == 200)
        #expect(try JSONParser.parse(first.body)["done"] == "1")
        let second = try connection.request("GET", "/healthz")
        #expect(second.status == 200)
        #expect(!connection.isClosedByServer())
    }

    @Test func atMostTwoRunAtOnceAndWorkersStayFree() throws {
        let port = kernel.port
        let started = Date()
        let statuses = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 7) { i in
            // The last one is cheap: it is not stuck behind the slow ones (2 worker threads).
            let path = i == 6 ? "/healthz" : "/test/slow?n=\(i)"
            if i == 6 { usleep(20_000) }
            let status = (try? TestClient(port: port).get(path).status) ?? 0
            statuses.withLock { $0.append(status) }
        }
        #expect(statuses.withLock { $0 } == Array(repeating: 200, count: 7))
        #expect(probe.peak.load(ordering: .sequentiallyConsistent) <= 2)
        #expect(Date().timeIntervalSince(started) >= 0.2) // 6 jobs × 80 ms / 2
    }
}
