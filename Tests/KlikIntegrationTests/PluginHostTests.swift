import Foundation
import Testing
import KlikCore
import KlikPluginHost
import KlikTesting

/// The plugin host inside one process: routing to plugins, failures, reload and enable/disable.
@Suite struct PluginHostTests {
    @Test func pluginRoutesAreMountedUnderTheirId() throws {
        let k = try Fixtures.kernel(["catatan", "nomor-penting"])
        let r = try k.client.get("/api/v1/catatan/version")
        #expect(r.status == 200)
        #expect(try JSONParser.parse(r.body)["version"] == "v1")
        #expect(try k.client.get("/api/v1/nomor-penting/numbers").status == 200)
        #expect(try k.client.get("/api/v1/unknown/version").status == 404)
        #expect(try k.client.get("/api/v1/catatan/nothing").status == 404)
        let wrong = try k.client.request("DELETE", "/api/v1/catatan/version")
        #expect(wrong.status == 405)
        #expect(wrong.header("allow") == "GET, HEAD")
    }

    @Test func aFailingHandlerIs500WithRequestIdAndDetailsOnlyInTheLog() throws {
        let k = try Fixtures.kernel(["catatan"])
        let r = try k.client.get("/api/v1/catatan/boom", headers: ["X-Request-Id": "boom-1"])
        #expect(r.status == 500)
        let error = try JSONParser.parse(r.body)["error"]
        #expect(error?["code"] == "plugin_error")
        #expect(error?["request_id"] == "boom-1")
        #expect(!r.text.contains("kaboom"))
        #expect(!r.text.contains("should-not-leak"))
        let logged = k.logs.lines.filter { $0.contains("\"request_id\":\"boom-1\"") && $0.contains("kaboom") }
        #expect(logged.count == 1)
        #expect(logged.first?.contains("traceback") == true)
    }

    @Test func malformedJSONToAPluginIs400() throws {
        let k = try Fixtures.kernel(["catatan"])
        let r = try k.client.post("/api/v1/catatan/notes", json: "{\"text\": }")
        #expect(r.status == 400)
        #expect(try JSONParser.parse(r.body)["error"]?["code"] == "invalid_json")
    }

    @Test func aBrokenPluginDoesNotStopTheOthers() throws {
        let dir = try Fixtures.folder(with: ["catatan"])
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("Plugins/rusak"), withIntermediateDirectories: true)
        try "local M = {}\nfunction M.x(\n  return M\n".write(to: dir.appendingPathComponent("Plugins/rusak/main.lua"), atomically: true, encoding: .utf8)
        let manifest = try String(contentsOf: dir.appendingPathComponent("Manifests/catatan.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"id\": \"catatan\"", with: "\"id\": \"rusak\"")
        try manifest.write(to: dir.appendingPathComponent("Manifests/rusak.json"), atomically: true, encoding: .utf8)
        let k = try Fixtures.kernel([], directory: dir)
        #expect(try k.client.get("/api/v1/catatan/version").status == 200)
        #expect(try k.client.get("/api/v1/rusak/version").status == 404)
        let info = k.kernel.plugins.list().first { $0.id == "rusak" }
        #expect(info?.status == .failed)
        #expect(info?.errors.first?.hasPrefix("Plugins/rusak/main.lua: main.lua:3:") == true)
    }

    @Test func reloadSwapsCodeWhileRequestsInFlightFinishOnTheOldVersion() throws {
        let dir = try Fixtures.folder(with: ["catatan"])
        let k = try Fixtures.kernel([], directory: dir)
        // Held in flight until the test moves the fake clock by one second.
        let slow = Thread.detachedResult { try k.client.get("/api/v1/catatan/wait?seconds=1") }
        let deadline = Date().addingTimeInterval(10)
        while k.kernel.metrics.inFlight < 1 && Date() < deadline { usleep(5_000) }
        #expect(k.kernel.metrics.inFlight == 1)
        let main = dir.appendingPathComponent("Plugins/catatan/main.lua")
        let v2 = try String(contentsOf: main, encoding: .utf8).replacingOccurrences(of: "local VERSION = \"v1\"", with: "local VERSION = \"v2\"")
        try v2.write(to: main, atomically: true, encoding: .utf8)
        let info = k.kernel.plugins.reload("catatan")
        #expect(info?.status == .active)
        k.clock.advance(by: 2)
        let old = try slow.wait()
        #expect(old.status == 200)
        #expect(try JSONParser.parse(old.body)["version"] == "v1")
        #expect(try JSONParser.parse(k.client.get("/api/v1/catatan/version").body)["version"] == "v2")
    }

    @Test func disableIsImmediateAuditedAndSurvivesRestart() throws {
        let dir = try Fixtures.folder(with: ["catatan"])
        do {
            let k = try Fixtures.kernel([], directory: dir)
            #expect(try k.client.get("/api/v1/catatan/version").status == 200)
            try k.kernel.plugins.disable("catatan", actor: "test-admin")
            #expect(try k.client.get("/api/v1/catatan/version").status == 404)
            k.kernel.plugins.audit.flush()
            let rows = try k.kernel.database.read { try $0.query("SELECT actor, action, target FROM klik_audit WHERE action = 'plugin.disable'") }
            #expect(rows.count == 1)
            #expect(rows.first?[0] == .text("test-admin"))
            k.stop()
        }
        do {
            let k = try Fixtures.kernel([], directory: dir)
            #expect(try k.client.get("/api/v1/catatan/version").status == 404)
            #expect(k.kernel.plugins.list().first { $0.id == "catatan" }?.status == .disabled)
            try k.kernel.plugins.enable("catatan")
            #expect(try k.client.get("/api/v1/catatan/version").status == 200)
        }
    }

    @Test func aNewPluginIsPickedUpByReloadWithoutRestart() throws {
        let dir = try Fixtures.folder(with: ["catatan"])
        let k = try Fixtures.kernel([], directory: dir)
        #expect(try k.client.get("/api/v1/nomor-penting/categories").status == 404)
        try Fixtures.install("nomor-penting", into: dir)
        #expect(k.kernel.plugins.reload("nomor-penting")?.status == .active)
        #expect(try k.client.get("/api/v1/nomor-penting/categories").status == 200)
        #expect(k.kernel.plugins.reload("does-not-exist")?.status == .failed)
    }

    @Test func fixturePluginTestsPassThroughTheLuaTestRunner() throws {
        var output: [String] = []
        let runner = PluginTestRunner(manifests: Fixtures.fixtures.appendingPathComponent("Manifests"),
                                      plugins: Fixtures.fixtures.appendingPathComponent("Plugins")) { output.append($0) }
        let summary = runner.run(["dbcheck"])
        #expect(summary.failed == 0, "\(output.joined(separator: "\n"))")
        #expect(summary.passed >= 10)
        output = []
        let notify = runner.run(["kabar"]) // klik.notify and the notifications() helper
        #expect(notify.failed == 0 && notify.passed == 2, "\(output.joined(separator: "\n"))")
    }

    @Test func aFailingLuaTestIsReportedWithWhatDiffered() throws {
        let dir = try Fixtures.folder(with: ["catatan"])
        let tests = dir.appendingPathComponent("Plugins/catatan/tests")
        try FileManager.default.createDirectory(at: tests, withIntermediateDirectories: true)
        try """
        describe("catatan", function()
          it("passes", function() expect(get("/version").json.version).to_be("v1") end)
          it("fails", function() expect(get("/version").json).to_equal({ version = "v9" }) end)
        end)
        """.write(to: tests.appendingPathComponent("version_test.lua"), atomically: true, encoding: .utf8)
        var output: [String] = []
        let summary = PluginTestRunner(manifests: dir.appendingPathComponent("Manifests"), plugins: dir.appendingPathComponent("Plugins")) {
            output.append($0)
        }.run(["catatan"])
        #expect(summary.passed == 1)
        #expect(summary.failed == 1)
        let text = output.joined(separator: "\n")
        #expect(text.contains("✗ catatan › fails"))
        #expect(text.contains("expected {version = \"v9\"}"))
        #expect(text.contains("got {version = \"v1\"}"))
        #expect(text.contains("tests/version_test.lua:3:"))
    }
}

extension Thread {
    /// Runs `body` on a new thread; `wait()` returns its result.
    static func detachedResult<T: Sendable>(_ body: @escaping @Sendable () throws -> T) -> PendingResult<T> {
        let pending = PendingResult<T>()
        Thread { pending.set(Result { try body() }) }.start()
        return pending
    }
}

final class PendingResult<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<T, Error>?

    func set(_ r: Result<T, Error>) {
        condition.lock()
        result = r
        condition.broadcast()
        condition.unlock()
    }

    func wait(timeout: TimeInterval = 30) throws -> T {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(timeout)
        while result == nil && condition.wait(until: deadline) {}
        guard let result else { throw TestClientError(description: "timed out") }
        return try result.get()
    }
}

@Suite struct PluginTestSharedCallerTests {
    @Test func testFilesShareCallersAndNamesTellUsersApart() throws {
        let dir = try Fixtures.folder(with: ["catatan"])
        let tests = dir.appendingPathComponent("Plugins/catatan/tests")
        try FileManager.default.createDirectory(at: tests, withIntermediateDirectories: true)
        for file in ["a_test.lua", "b_test.lua"] {
            try """
            describe("\(file)", function()
              it("calls as a citizen", function()
                expect(get("/version", { as = { roles = { "warga" } } }).status).to_be(200)
                expect(get("/version", { as = { roles = { "warga" }, name = "Sari" } }).status).to_be(200)
                expect(get("/version", { as = { roles = { "petugas" }, name = "Sari", opds = { "DLH" } } }).status).to_be(200)
              end)
            end)
            """.write(to: tests.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        var output: [String] = []
        let summary = PluginTestRunner(manifests: dir.appendingPathComponent("Manifests"), plugins: dir.appendingPathComponent("Plugins")) {
            output.append($0)
        }.run(["catatan"])
        #expect(summary.failed == 0, "\(output.joined(separator: "\n"))")
        #expect(summary.passed == 2)
    }
}

@Suite struct PluginRoutePatternTests {
    /// Routes naming the same position differently, and a parameter with a suffix, load and serve
    /// (a router that kept names per node used to stop the kernel on such a manifest).
    @Test func parameterNamesPerRouteAndSuffixes() throws {
        let dir = try Fixtures.folder(with: [])
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("Plugins/pola"), withIntermediateDirectories: true)
        try """
        {"id": "pola", "version": "1.0.0", "kernel": "^1.0",
         "name": {"id": "Pola", "en": "Patterns"}, "description": {"id": "Uji", "en": "Test"},
         "routes": [
           {"method": "GET", "path": "/a/{x}", "handler": "x", "access": "public"},
           {"method": "GET", "path": "/a/{y}/b", "handler": "y", "access": "public"},
           {"method": "GET", "path": "/services/{code}.json", "handler": "code", "access": "public"}
         ]}
        """.write(to: dir.appendingPathComponent("Manifests/pola.json"), atomically: true, encoding: .utf8)
        try """
        local M = {}
        function M.x(req) return { json = { x = req.params.x } } end
        function M.y(req) return { json = { y = req.params.y } } end
        function M.code(req) return { json = { code = req.params.code } } end
        return M
        """.write(to: dir.appendingPathComponent("Plugins/pola/main.lua"), atomically: true, encoding: .utf8)
        let k = try Fixtures.kernel([], directory: dir)
        #expect(try JSONParser.parse(k.client.get("/api/v1/pola/a/1").body)["x"] == "1")
        #expect(try JSONParser.parse(k.client.get("/api/v1/pola/a/2/b").body)["y"] == "2")
        #expect(try JSONParser.parse(k.client.get("/api/v1/pola/services/jalan.json").body)["code"] == "jalan")
        #expect(try k.client.get("/api/v1/pola/services/jalan.xml").status == 404)
    }
}
