import Foundation
import KlikCore
import KlikTesting
import Testing

/// `klik.sla` and `klik.schedule` through a real kernel: the fixture plugin's Lua tests, the
/// permission wall, and jobs that survive a restart.
@Suite struct SLAKernelTests {
    @Test func slaFixtureLuaTestsPass() throws {
        var output: [String] = []
        let runner = PluginTestRunner(manifests: Fixtures.fixtures.appendingPathComponent("Manifests"),
                                      plugins: Fixtures.fixtures.appendingPathComponent("Plugins")) { output.append($0) }
        let summary = runner.run(["slacheck"])
        #expect(summary.failed == 0, "\(output.joined(separator: "\n"))")
        #expect(summary.passed == 8, "\(output.joined(separator: "\n"))")
    }

    @Test func pluginsWithoutThePermissionsGetAnError() throws {
        let dir = try Fixtures.folder(with: [])
        try """
        {"id": "tanpa-izin", "version": "1.0.0", "kernel": "^1.0", "name": {"id": "Tanpa izin", "en": "No permission"},
         "description": {"id": "Uji", "en": "Test"},
         "routes": [{"method": "GET", "path": "/try", "handler": "try_it", "access": "public"}]}
        """.write(to: dir.appendingPathComponent("Manifests/tanpa-izin.json"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("Plugins/tanpa-izin"), withIntermediateDirectories: true)
        try """
        return { try_it = function()
          local _, sla = pcall(function() return klik.sla.status("1") end)
          local _, schedule = pcall(function() return klik.schedule.after(1, "x") end)
          return { status = 200, json = { sla = tostring(sla), schedule = tostring(schedule) } }
        end }
        """.write(to: dir.appendingPathComponent("Plugins/tanpa-izin/main.lua"), atomically: true, encoding: .utf8)
        let k = try Fixtures.kernel([], directory: dir)
        defer { k.stop() }
        let text = try k.client.get("/api/v1/tanpa-izin/try").text
        #expect(text.contains("permission 'sla' is not declared"), "\(text)")
        #expect(text.contains("permission 'schedule' is not declared"), "\(text)")
    }

    @Test func scheduledJobsRunOnceAcrossARestart() throws {
        let dir = try Fixtures.folder(with: ["slacheck"])
        let first = try Fixtures.kernel([], directory: dir)
        #expect(first.kernel.plugins.activeRuntime("slacheck") != nil)
        let store = first.kernel.timers.schedule.store
        let now = Int64(first.clock.now().timeIntervalSince1970)
        let before = try store.at(plugin: "slacheck", handler: "record_run", time: now + 60, args: ["tag": "before"], now: now)
        let after = try store.at(plugin: "slacheck", handler: "record_run", time: now + 3600, args: ["tag": "after"], now: now)
        first.clock.advance(by: 60)
        first.kernel.timers.tick()
        #expect(try store.job(before)?.state == .done)
        first.stop()

        // A new kernel on the same data: the first job is not run again, the second runs once.
        let second = try Fixtures.kernel([], directory: dir)
        defer { second.stop() }
        second.clock.set(Date(timeIntervalSince1970: TimeInterval(now + 7200)))
        second.kernel.timers.tick()
        second.kernel.timers.tick()
        let jobs = second.kernel.timers.schedule.store
        #expect(try jobs.job(before)?.runs == 1)
        #expect(try jobs.job(after)?.runs == 1)
        #expect(try jobs.job(after)?.state == .done)
        let count = try second.kernel.database.read { c in try c.queryOne("SELECT count(*) FROM \"plugin/slacheck/job_runs\"")?[0].int64 }
        #expect(count == 2)
    }
}
