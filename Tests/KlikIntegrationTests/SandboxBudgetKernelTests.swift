// SANDBOX.md cases 3, 9-23, 30, 32 against a real kernel: time, memory and the C stack;
// plus the pause after repeated budget trips and the discarding of poisoned states.
import Foundation
import Testing
import KlikCore
import KlikKernel
import KlikPluginHost
import KlikTesting

@Suite struct SandboxBudgetKernelTests {
    /// Per-call budget of the hostile plugins (ms); a stop must come within it plus a margin.
    static let cpuMs = 100
    static let margin = 1.0

    /// Cases 3, 9-17: runaway code is stopped in time with 503 `plugin_budget_exceeded`;
    /// unbounded C functions fail at once with 500 `plugin_error`.
    @Test func timeBudget() throws {
        let ws = try PluginWorkspace()
        defer { ws.remove() }
        try ws.writeBenign()
        try ws.write(id: "spin", handlers: [
            ("c03", "pcall(function() debug.sethook() end) while true do end"),
            ("c09", "while true do end"),
            ("c10", "while true do pcall(function() while true do end end) end"),
            ("c11", """
                while true do
                  xpcall(function() while true do end end, function() klik.log.warn("handler ran for the kill") while true do end end)
                end
                """),
            ("c11b", "xpcall(function() error('x') end, function() while true do end end)"),
            ("c12", "do local x <close> = setmetatable({}, { __close = function() while true do end end }) end"),
            ("c14a", "coroutine.wrap(function() while true do end end)()"),
            ("c14b", "while true do pcall(coroutine.wrap(function() while true do end end)) end"),
            ("c14c", "while true do coroutine.resume(coroutine.create(function() while true do end end)) end"),
            ("c17a", #"return { json = { r = string.find(("a"):rep(40), ("a?"):rep(40) .. ("a"):rep(40)) } }"#),
            ("c17b", #"return { json = { r = ("a"):rep(1e6):find(".-b") } }"#),
            ("c17c", #"return { json = { r = ("a"):rep(1e6):match(("a-"):rep(20) .. "b") } }"#),
        ], limits: #"{ "cpu_ms": \#(Self.cpuMs) }"#)
        try ws.write(id: "bounded", handlers: [
            ("c13", """
                local ok, err = pcall(setmetatable, {}, { __gc = function() while true do end end })
                local mt = {}
                local t = setmetatable({}, mt)
                mt.__gc = function() while true do end end
                local collected = pcall(collectgarbage, "collect")
                return { json = { ok = ok, err = err, collected = collected, count = type(collectgarbage("count")) } }
                """),
            ("c15", "return { json = table.move({1, 2}, 1, 2^40, 1, {}) }"),
            ("c16a", "return { json = { empty = string.rep('', 2^62), short = ('ab'):rep(2, '-') } }"),
            ("c16b", "return { json = { r = ('ab'):rep(2^40) } }"),
        ], limits: #"{ "cpu_ms": \#(Self.cpuMs) }"#)
        let kernel = try ws.start()
        defer { kernel.stop() }
        kernel.kernel.plugins.pauseAfterTrips = 1000   // the pause has its own test

        for route in ["c03", "c09", "c10", "c11", "c11b", "c12", "c14a", "c14b", "c14c"] {
            let (response, took) = try timed { try kernel.client.get("/api/v1/spin/\(route)") }
            expectError(response, status: 503, code: "plugin_budget_exceeded", "case \(route)")
            #expect(took < Double(Self.cpuMs) / 1000 + Self.margin, "case \(route): stopped after \(took) s")
            try expectKernelHealthy(kernel, "case \(route)")
        }
        #expect(!kernel.logs.lines.contains { $0.contains("handler ran for the kill") }, "case 11: the handler ran for the kill")

        for route in ["c17a", "c17b", "c17c"] {
            let (response, took) = try timed { try kernel.client.get("/api/v1/spin/\(route)") }
            #expect(response.status == 500 || response.status == 503, "case \(route): \(response.status) \(response.text)")
            expectError(response, status: response.status, "case \(route)")
            #expect(took < Double(Self.cpuMs) / 1000 + Self.margin, "case \(route): stopped after \(took) s")
            try expectKernelHealthy(kernel, "case \(route)")
        }

        let c13 = json(try kernel.client.get("/api/v1/bounded/c13"))
        #expect(c13 == ["ok": false, "err": "setmetatable: metatables with __gc are refused", "collected": false, "count": "number"], "case 13: \(c13)")
        let (_, unload) = try timed { try kernel.kernel.plugins.disable("bounded") }
        #expect(unload < 1.0, "case 13: unloading took \(unload) s")
        #expect(try kernel.kernel.plugins.enable("bounded")?.status == .active)

        let (c15, took15) = try timed { try kernel.client.get("/api/v1/bounded/c15") }
        expectError(c15, status: 500, code: "plugin_error", "case 15")
        #expect(took15 < 0.5, "case 15: took \(took15) s")
        #expect(kernel.logs.lines.contains { $0.contains("range is too large") }, "case 15: reason logged")

        #expect(json(try kernel.client.get("/api/v1/bounded/c16a")) == ["empty": "", "short": "ab-ab"], "case 16")
        let (c16, took16) = try timed { try kernel.client.get("/api/v1/bounded/c16b") }
        expectError(c16, status: 500, code: "plugin_error", "case 16")
        #expect(took16 < 0.5, "case 16: took \(took16) s")
        try expectKernelHealthy(kernel, "cases 13-16")
    }

    /// A memory bomb ends in 503 out of memory, or in 503 budget exceeded on a loaded machine
    /// where filling the memory takes longer than the budget.
    func expectMemoryStop(_ response: TestResponse, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let code = json(response)["error"]?["code"]?.stringValue ?? "?"
        let allowed = ["plugin_out_of_memory", "plugin_budget_exceeded"]
        expectError(response, status: 503, code: allowed.contains(code) ? code : allowed[0], label, sourceLocation: sourceLocation)
    }

    /// Cases 18-23, 30, 32: memory bombs end in a clean 503/500; deep stacks in a clean error.
    @Test func memoryAndStack() throws {
        let ws = try PluginWorkspace()
        defer { ws.remove() }
        try ws.writeBenign()
        try ws.write(id: "bomb", handlers: [
            ("c18", "local t = {} for i = 1, 1e9 do t[i] = i end"),
            ("c19a", "return { json = { r = ('x'):rep(2^31) } }"),
            ("c19b", "return { json = { r = ('x'):rep(1e8, ',') } }"),
            ("c20", "while true do pcall(function() local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(100) .. i end end) end"),
            ("c30a", """
                klik.db.insert("junk", { x = "before" })
                klik.db.transaction(function()
                  klik.db.insert("junk", { x = "inside" })
                  local t = {} for i = 1, 1e9 do t[i] = ('y'):rep(64) .. i end
                end)
                """),
            ("c30b", "return { json = { r = (('a'):rep(1000):gsub('a', function() local t = {} for i = 1, 1e9 do t[i] = i end end)) } }"),
            ("c30c", "local t = {3, 2, 1} table.sort(t, function(a, b) local x = {} for i = 1, 1e9 do x[i] = i end end)"),
            ("count", "return { json = { n = klik.db.count('junk') } }"),
        ], permissions: ["storage"], collections: #"[{ "name": "junk", "fields": [{ "name": "x", "type": "string" }] }]"#,
           limits: #"{ "cpu_ms": 300, "memory_mb": 16 }"#)
        try ws.write(id: "deep", handlers: [
            ("c21", "local function f() return 1 + f() end return f()"),
            ("c22a", "local t = setmetatable({}, { __index = function(t, k) return t[k] end }) return { json = { r = t.x } }"),
            ("c22b", "local function wrapped() return coroutine.wrap(wrapped)() end return wrapped()"),
            ("c23", """
                local coro = false
                for i = 1, 10000 do
                  local previous = coro
                  coro = coroutine.create(function()
                    local cc <close> = setmetatable({}, { __close = function()
                      if previous then assert(coroutine.close(previous)) end
                    end })
                    coroutine.yield()
                  end)
                  assert(coroutine.resume(coro))
                end
                local ok, err = coroutine.close(coro)
                return { json = { ok = ok, err = err } }
                """),
            ("c32", "local function loop() return 1 + loop() end local ok, err = xpcall(loop, loop) return { json = { ok = ok, err = err } }"),
        ], limits: #"{ "cpu_ms": 1000, "memory_mb": 128 }"#)
        let kernel = try ws.start()
        defer { kernel.stop() }
        kernel.kernel.plugins.pauseAfterTrips = 1000
        let rssBefore = residentBytes() ?? 0

        let (c18, took18) = try timed { try kernel.client.get("/api/v1/bomb/c18") }
        expectMemoryStop(c18, "case 18")
        #expect(took18 < 0.3 + Self.margin, "case 18: took \(took18) s")
        try expectKernelHealthy(kernel, "case 18")
        let grown = (residentBytes() ?? 0) - rssBefore
        #expect(grown < 256 << 20, "case 18: RSS grew by \(grown >> 20) MiB")

        for route in ["c19a", "c19b"] {
            let response = try kernel.client.get("/api/v1/bomb/\(route)")
            #expect(response.status == 500 || response.status == 503, "case \(route): \(response.status)")
            expectError(response, status: response.status, "case \(route)")
            try expectKernelHealthy(kernel, "case \(route)")
        }
        let (c20, took20) = try timed { try kernel.client.get("/api/v1/bomb/c20") }
        expectError(c20, status: 503, code: "plugin_budget_exceeded", "case 20")
        #expect(took20 < 0.3 + Self.margin, "case 20: took \(took20) s")
        try expectKernelHealthy(kernel, "case 20")

        let junkBefore = json(try kernel.client.get("/api/v1/bomb/count"))["n"]?.int64Value ?? -1
        let c30a = try kernel.client.get("/api/v1/bomb/c30a")
        expectMemoryStop(c30a, "case 30 transaction callback")
        #expect(json(try kernel.client.get("/api/v1/bomb/count"))["n"]?.int64Value == junkBefore + 1, "case 30: the transaction was not rolled back")
        for route in ["c30b", "c30c"] {
            expectMemoryStop(try kernel.client.get("/api/v1/bomb/\(route)"), "case \(route)")
        }
        try expectKernelHealthy(kernel, "case 30")
        let grownAll = (residentBytes() ?? 0) - rssBefore
        #expect(grownAll < 256 << 20, "cases 18-30: RSS grew by \(grownAll >> 20) MiB")

        for route in ["c21", "c22a", "c22b"] {
            let response = try kernel.client.get("/api/v1/deep/\(route)")
            expectError(response, status: 500, code: "plugin_error", "case \(route)")
            try expectKernelHealthy(kernel, "case \(route)")
        }
        #expect(kernel.logs.lines.filter { $0.contains("stack overflow") }.count >= 3, "cases 21-22: stack overflow logged")

        let (c23, took23) = try timed { try kernel.client.get("/api/v1/deep/c23") }
        #expect(took23 < 2.5, "case 23: took \(took23) s")
        if c23.status == 200 {
            #expect(json(c23)["ok"] == false && json(c23)["err"]?.stringValue?.contains("nested too deeply") == true, "case 23: \(c23.text)")
        } else {
            expectError(c23, status: c23.status, "case 23")
        }
        try expectKernelHealthy(kernel, "case 23")

        let (c32, took32) = try timed { try kernel.client.get("/api/v1/deep/c32") }
        #expect(took32 < 2.5, "case 32: took \(took32) s")
        if c32.status == 200 {
            #expect(json(c32) == ["ok": false, "err": "error in error handling"], "case 32: \(c32.text)")
        } else {
            expectError(c32, status: c32.status, "case 32")
        }
        try expectKernelHealthy(kernel, "case 32")
    }

    /// A plugin that trips its budget `pauseAfterTrips` times within a minute is paused: 503
    /// `plugin_paused`, status paused, an audit row; its neighbours keep serving.
    @Test func pauseAfterRepeatedBudgetTrips() throws {
        let ws = try PluginWorkspace()
        defer { ws.remove() }
        try ws.writeBenign()
        try ws.write(id: "spinner", handlers: [("spin", "while true do end"), ("ok", "return { json = { ok = true } }")],
                     limits: #"{ "cpu_ms": 20 }"#)
        let kernel = try ws.start()
        defer { kernel.stop() }
        let trips = kernel.kernel.plugins.pauseAfterTrips
        #expect(trips == 5)
        for i in 1...trips {
            expectError(try kernel.client.get("/api/v1/spinner/spin"), status: 503, code: "plugin_budget_exceeded", "trip \(i)")
        }
        for route in ["spin", "ok"] {
            expectError(try kernel.client.get("/api/v1/spinner/\(route)"), status: 503, code: "plugin_paused", "paused \(route)")
        }
        let info = kernel.kernel.plugins.list().first { $0.id == "spinner" }
        #expect(info?.status == .paused && info?.budgetTrips == trips, "\(String(describing: info))")
        #expect(info?.errors.first?.contains("paused after") == true)
        try expectKernelHealthy(kernel, "pause")
        kernel.kernel.plugins.audit.flush()
        let paused = try kernel.kernel.database.read { c in
            try c.query("SELECT id FROM klik_audit WHERE action = 'plugin.paused' AND target = 'spinner'")
        }
        #expect(paused.count == 1)
        #expect(kernel.kernel.plugins.reload("spinner")?.status == .active)
        #expect(json(try kernel.client.get("/api/v1/spinner/ok"))["ok"] == true, "reload resumes the plugin")
    }

    /// After a budget trip the poisoned state is discarded: the next requests get fresh states.
    @Test func poisonedStateIsDiscarded() throws {
        let ws = try PluginWorkspace()
        defer { ws.remove() }
        try ws.writeBenign()
        try ws.write(id: "once", handlers: [
            ("spin", "calls = (calls or 0) + 1 while true do end"),
            ("calls", "calls = (calls or 0) + 1 return { json = { calls = calls } }"),
        ], limits: #"{ "cpu_ms": 50 }"#)
        let kernel = try ws.start()
        defer { kernel.stop() }
        for i in 1...3 {
            expectError(try kernel.client.get("/api/v1/once/spin"), status: 503, code: "plugin_budget_exceeded", "trip \(i)")
            let next = try kernel.client.get("/api/v1/once/calls")
            #expect(next.status == 200 && json(next)["calls"] != nil, "after trip \(i): \(next.status) \(next.text)")
        }
        #expect(kernel.kernel.plugins.list().first { $0.id == "once" }?.status == .active)
        try expectKernelHealthy(kernel, "poisoned state")
    }
}
