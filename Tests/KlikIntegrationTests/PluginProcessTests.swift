import Foundation
import Synchronization
import Testing
import KlikCore
import KlikTesting

/// The plugin lifecycle as operators drive it: a running `klik serve` process changed from the
/// command line, crash safety, development mode and the developer tools.
@Suite struct PluginProcessTests {
    func serve(_ dir: URL, _ extra: [String] = []) throws -> (KlikProcess, TestClient) {
        let p = try KlikProcess(["serve", "--port", "0", "--data", dir.appendingPathComponent("data").path,
                                 "--manifests", dir.appendingPathComponent("Manifests").path,
                                 "--plugins", dir.appendingPathComponent("Plugins").path] + extra)
        return (p, TestClient(port: try p.waitForPort()))
    }

    func cli(_ args: [String], in dir: URL) throws -> KlikProcess {
        let p = try KlikProcess(args + ["--data", dir.appendingPathComponent("data").path,
                                        "--manifests", dir.appendingPathComponent("Manifests").path,
                                        "--plugins", dir.appendingPathComponent("Plugins").path])
        _ = p.waitForExit(timeout: 30)
        return p
    }

    /// Waits until `check` holds; answers the seconds it took (nil if it never did).
    func within(_ seconds: Double, _ check: () throws -> Bool) -> Double? {
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            if (try? check()) == true { return Date().timeIntervalSince(start) }
            usleep(20_000)
        }
        return nil
    }

    @Test func addReloadDisableEnableOnARunningServerWithoutFailingOthers() throws {
        let dir = try Fixtures.folder(with: ["catatan"])
        let (server, client) = try serve(dir)
        defer { server.signal(SIGTERM) }

        // Another plugin is used the whole time; none of its requests may fail.
        let stop = Atomic<Bool>(false)
        let counts = Mutex((ok: 0, failed: 0))
        let hammer = Thread {
            while !stop.load(ordering: .relaxed) {
                let status = (try? client.get("/api/v1/catatan/version").status) ?? -1
                counts.withLock { if status == 200 { $0.ok += 1 } else { $0.failed += 1 } }
            }
        }
        hammer.start()

        #expect(try client.get("/api/v1/nomor-penting/categories").status == 404)
        try Fixtures.install("nomor-penting", into: dir)
        let reload = try cli(["plugin", "reload", "nomor-penting"], in: dir)
        #expect(reload.process.terminationStatus == 0, "\(reload.stderr)")
        #expect(reload.stdout.contains("nomor-penting: active 1.0.0"))
        #expect(try client.get("/api/v1/nomor-penting/categories").status == 200)

        let disableStarted = Date()
        let disable = try cli(["plugin", "disable", "nomor-penting"], in: dir)
        #expect(disable.process.terminationStatus == 0)
        let gone = within(2) { try client.get("/api/v1/nomor-penting/categories").status == 404 }
        #expect(gone != nil)
        #expect(Date().timeIntervalSince(disableStarted) < 3)

        let enable = try cli(["plugin", "enable", "nomor-penting"], in: dir)
        #expect(enable.process.terminationStatus == 0)
        #expect(within(2) { try client.get("/api/v1/nomor-penting/categories").status == 200 } != nil)

        let list = try cli(["plugin", "list"], in: dir)
        #expect(list.stdout.contains("nomor-penting"))
        #expect(list.stdout.contains("active"))

        stop.store(true, ordering: .relaxed)
        while hammer.isExecuting { usleep(10_000) }
        let final = counts.withLock { $0 }
        #expect(final.failed == 0)
        #expect(final.ok > 20)
    }

    @Test func acknowledgedWritesSurviveKill9() throws {
        let dir = try Fixtures.folder(with: ["catatan"])
        let (server, client) = try serve(dir)
        let acknowledged = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        let writers = (0..<4).map { _ in
            Thread {
                while !stop.load(ordering: .relaxed) {
                    guard let r = try? client.post("/api/v1/catatan/notes", json: #"{"text":"catatan"}"#) else { return }
                    if r.status == 201 { acknowledged.add(1, ordering: .relaxed) }
                }
            }
        }
        writers.forEach { $0.start() }
        Thread.sleep(forTimeInterval: 1.0)
        server.signal(SIGKILL)
        _ = server.waitForExit()
        stop.store(true, ordering: .relaxed)
        Thread.sleep(forTimeInterval: 0.2)
        let acked = acknowledged.load(ordering: .relaxed)
        #expect(acked > 50)

        let (restarted, client2) = try serve(dir)
        defer { restarted.signal(SIGTERM) }
        let count = try JSONParser.parse(client2.get("/api/v1/catatan/notes").body)["count"]?.int64Value ?? -1
        #expect(count >= Int64(acked))
        // At most one write per writer can have committed without its answer arriving.
        #expect(count <= Int64(acked + 4))
    }

    @Test func devModeReloadsAPluginWhenItsFilesChange() throws {
        let dir = try Fixtures.folder(with: ["catatan"])
        let (server, client) = try serve(dir, ["--dev"])
        defer { server.signal(SIGTERM) }
        #expect(try JSONParser.parse(client.get("/api/v1/catatan/version").body)["version"] == "v1")
        let main = dir.appendingPathComponent("Plugins/catatan/main.lua")
        try String(contentsOf: main, encoding: .utf8).replacingOccurrences(of: "\"v1\"", with: "\"v2\"")
            .write(to: main, atomically: true, encoding: .utf8)
        let took = within(3) { try JSONParser.parse(client.get("/api/v1/catatan/version").body)["version"] == "v2" }
        #expect(took != nil)
    }

    @Test func scaffoldedPluginPassesCheckAndTestInAFreshFolder() throws {
        let dir = try TestKernel.temporaryDirectory()
        let new = try KlikProcess(["plugin", "new", "demo"], currentDirectory: dir)
        #expect(new.waitForExit() == 0)
        let check = try KlikProcess(["plugin", "check", "demo"], currentDirectory: dir)
        #expect(check.waitForExit() == 0)
        #expect(check.stdout.contains("✓ demo 0.1.0"))
        let test = try KlikProcess(["plugin", "test", "demo"], currentDirectory: dir)
        #expect(test.waitForExit(timeout: 60) == 0)
        #expect(test.stdout.contains("3 passed, 0 failed"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("data").path))
        let again = try KlikProcess(["plugin", "new", "demo"], currentDirectory: dir)
        #expect(again.waitForExit() == 1)
        #expect(again.stderr.contains("already exists"))
        let bad = try KlikProcess(["plugin", "new", "../evil"], currentDirectory: dir)
        #expect(bad.waitForExit() == 1)
    }

    @Test func pluginTestLeavesTheDataFolderUntouched() throws {
        let dir = try Fixtures.folder(with: ["nomor-penting"])
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: dir.appendingPathComponent("data/marker"))
        let test = try KlikProcess(["plugin", "test", "nomor-penting"], currentDirectory: dir)
        #expect(test.waitForExit(timeout: 60) == 0)
        #expect(test.stdout.contains("passed, 0 failed"))
        let contents = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("data").path)
        #expect(contents == ["marker"])
    }

    @Test func checkReportsPathAnchoredErrorsAndExitsNonZero() throws {
        let dir = try Fixtures.folder(with: ["catatan"])
        let manifest = dir.appendingPathComponent("Manifests/catatan.json")
        try String(contentsOf: manifest, encoding: .utf8).replacingOccurrences(of: "\"path\": \"/notes\"", with: "\"path\": \"notes\"")
            .write(to: manifest, atomically: true, encoding: .utf8)
        let check = try cli(["plugin", "check"], in: dir)
        #expect(check.process.terminationStatus == 1)
        #expect(check.stdout.contains("$.routes[0].path"))
    }
}

/// SIGTERM lets a request in flight finish before the server exits.
@Suite struct GracefulStopTests {
    @Test func aRequestInFlightFinishesAfterSIGTERM() throws {
        let dir = try Fixtures.folder(with: ["catatan"])
        let server = try KlikProcess(["serve", "--port", "0", "--data", dir.appendingPathComponent("data").path,
                                      "--manifests", dir.appendingPathComponent("Manifests").path,
                                      "--plugins", dir.appendingPathComponent("Plugins").path])
        let port = try server.waitForPort()
        // Busy for half a second of real time; SIGTERM arrives meanwhile.
        // The request is sent on an open connection before the signal; its handler runs 0.5 s.
        let connection = try TestConnection(port: port)
        try connection.send("GET /api/v1/catatan/wait?seconds=0.5 HTTP/1.1\r\nHost: x\r\n\r\n")
        let waiting = Thread.detachedResult { try connection.readResponse() }
        Thread.sleep(forTimeInterval: 0.2)
        server.signal(SIGTERM)
        let finished = try waiting.wait()
        #expect(finished.status == 200)
        #expect(server.waitForExit(timeout: 15) == 0)
        #expect(server.stderr.contains("\"msg\":\"klik stopped\""))
    }
}
