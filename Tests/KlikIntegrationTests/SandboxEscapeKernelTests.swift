// SANDBOX.md cases 1-8, 24-29 against a real kernel: escapes, leaks, logs and permissions.
import Foundation
import Testing
import KlikCore
import KlikKernel
import KlikStorage
import KlikTesting

/// Each case is a route of a hostile plugin in a real kernel next to a benign plugin.
@Suite struct SandboxEscapeKernelTests {
    /// Cases 1-8, 24, 25, 27, 28: one hostile plugin, one route per case.
    @Test func escapesAndLeaks() throws {
        let ws = try PluginWorkspace()
        defer { ws.remove() }
        try ws.writeBenign()
        try ws.write(id: "hostile", handlers: [
            ("c01", """
                return { json = { os = type(os), io = type(io),
                  execute = (pcall(function() return os.execute("true") end)),
                  popen = (pcall(function() return io.popen("id") end)),
                  open = (pcall(function() return io.open("/etc/passwd") end)) } }
                """),
            ("c02", """
                local loadlib = pcall(function() return package.loadlib("libc.so.6", "system") end)
                local io_ok, io_err = pcall(require, "io")
                local loaded = pcall(function() return package.loaded.os end)
                local up = pcall(require, "..secret")
                return { json = { package = type(package), loadlib = loadlib, io = io_ok, io_err = io_err,
                  loaded = loaded, up = up, own = require("helper").answer } }
                """),
            ("c03", """
                return { json = { debug = type(debug), sethook = (pcall(function() debug.sethook() end)),
                  registry = (pcall(function() return debug.getregistry() end)) } }
                """),
            ("c04", #"""
                local f, err = load("\27Lua\84\0\25\147\r\n\26\n")
                return { json = { dump = type(string.dump), binary = f == nil, err = err,
                  via_dump = (pcall(function() return load(string.dump(print)) end)) } }
                """#),
            ("c05", #"return { json = { os = type(load("return os")()), env = type(load("return io", "x", "t", {io = 1})()) } }"#),
            ("c06", #"local ok, err = pcall(load, function() return nil end) return { json = { ok = ok, err = err } }"#),
            ("c07", "string.upper = function() return 'pwned' end return { json = { mine = ('x'):upper() } }"),
            ("c08", """
                local mt = getmetatable("")
                local ok = pcall(function() getmetatable("").__index.sub = function() return "pwned" end end)
                return { json = { mt = type(mt), set = ok, sub = ("abc"):sub(2) } }
                """),
            ("c24", """
                local deep, deep_err = load("return " .. ("("):rep(1e5) .. "1" .. (")"):rep(1e5))
                local big, big_err = load("return 1 --" .. ("x"):rep(2 * 1024 * 1024))
                return { json = { deep = deep == nil, deep_err = deep_err, big = big == nil, big_err = big_err } }
                """),
            ("c25", "error(setmetatable({}, { __tostring = function() while true do end end }))"),
            ("c27", """
                return { json = { table = tostring({}), fn = tostring(print), co = tostring(coroutine.create(print)),
                  p = (pcall(string.format, "%p", {})), fmt = string.format("%s", {}), os = type(os),
                  concat = select(2, pcall(function() return {} .. "" end)) } }
                """),
            ("c28", """
                math.randomseed(7)
                return { json = { os = type(os), a = math.random(1 << 30), b = math.random(1 << 30) } }
                """),
        ], files: ["helper.lua": "return { answer = 42 }"])
        try "return 'outside'".write(to: ws.plugins.appendingPathComponent("secret.lua"), atomically: true, encoding: .utf8)
        let kernel = try ws.start()
        defer { kernel.stop() }
        func get(_ route: String) throws -> TestResponse { try kernel.client.get("/api/v1/hostile/\(route)") }

        let c01 = json(try get("c01"))
        #expect(c01 == ["os": "nil", "io": "nil", "execute": false, "popen": false, "open": false], "case 1: \(c01)")
        try expectKernelHealthy(kernel, "case 1")

        let c02 = json(try get("c02"))
        #expect(c02["package"] == "nil" && c02["loadlib"] == false && c02["io"] == false && c02["loaded"] == false, "case 2: \(c02)")
        #expect(c02["io_err"]?.stringValue?.contains("module 'io' not found") == true && c02["up"] == false, "case 2: \(c02)")
        #expect(c02["own"] == 42, "case 2: own module: \(c02)")
        try expectKernelHealthy(kernel, "case 2")

        #expect(json(try get("c03")) == ["debug": "nil", "sethook": false, "registry": false], "case 3")

        let c04 = json(try get("c04"))
        #expect(c04["dump"] == "nil" && c04["binary"] == true && c04["via_dump"] == false, "case 4: \(c04)")
        #expect(c04["err"]?.stringValue?.contains("binary chunks are refused") == true, "case 4: \(c04)")

        #expect(json(try get("c05")) == ["os": "nil", "env": "nil"], "case 5")
        let c06 = json(try get("c06"))
        #expect(c06["ok"] == false && c06["err"]?.stringValue?.contains("only source strings") == true, "case 6: \(c06)")
        try expectKernelHealthy(kernel, "cases 3-6")

        #expect(json(try get("c07"))["mine"] == "pwned", "case 7: the plugin's own string table changed")
        #expect(json(try kernel.client.get("/api/v1/benign/upper")) == ["upper": "X", "direct": "Y"], "case 7: benign unaffected")

        #expect(json(try get("c08")) == ["mt": "boolean", "set": false, "sub": "bc"], "case 8")
        try expectKernelHealthy(kernel, "cases 7-8")

        let c24 = json(try get("c24"))
        #expect(c24["deep"] == true && c24["big"] == true, "case 24: \(c24)")
        #expect(c24["big_err"]?.stringValue?.contains("larger than the limit") == true, "case 24: \(c24)")
        try expectKernelHealthy(kernel, "case 24")

        let (c25, took25) = try timed { try get("c25") }
        expectError(c25, status: 500, code: "plugin_error", "case 25")
        #expect(took25 < 0.5, "case 25: took \(took25) s")
        #expect(kernel.logs.lines.contains { $0.contains("error object is not a string") }, "case 25: logged as a non-string error")
        try expectKernelHealthy(kernel, "case 25")

        let c27 = try get("c27")
        #expect(json(c27)["table"] == "table" && json(c27)["fn"] == "function" && json(c27)["co"] == "thread", "case 27: \(c27.text)")
        #expect(json(c27)["p"] == false && json(c27)["fmt"] == "table" && json(c27)["os"] == "nil", "case 27: \(c27.text)")
        #expect(!c27.text.contains("0x"), "case 27: an address leaked: \(c27.text)")
        try expectKernelHealthy(kernel, "case 27")

        let c28a = json(try get("c28")), c28b = json(try get("c28"))
        #expect(c28a["os"] == "nil" && c28a == c28b, "case 28: seeded RNG is per state: \(c28a) \(c28b)")
        try expectKernelHealthy(kernel, "case 28")
    }

    /// Case 26: a print/warn/klik.log flood leaves a bounded number of lines and a summary.
    @Test func case26_logFloodIsBounded() throws {
        let ws = try PluginWorkspace()
        defer { ws.remove() }
        try ws.writeBenign()
        try ws.write(id: "flood", handlers: [
            ("prints", "for i = 1, 20000 do print('line', i) end warn('w') return { json = { done = true } }"),
            ("logs", "for i = 1, 20000 do klik.log.info('line ' .. i) end return { json = { done = true } }"),
        ])
        let kernel = try ws.start()
        defer { kernel.stop() }
        for route in ["prints", "logs"] {
            let before = kernel.logs.lines.count
            let (response, took) = try timed { try kernel.client.get("/api/v1/flood/\(route)") }
            #expect(json(response)["done"] == true && took < 1.0, "case 26 \(route): \(response.text) after \(took) s")
            let added = Array(kernel.logs.lines.dropFirst(before))
            #expect(added.count <= 120, "case 26 \(route): \(added.count) lines written")
            #expect(added.contains { $0.contains("dropped") }, "case 26 \(route): no summary of the dropped lines")
            #expect(!added.contains { $0.contains("line 20000") || $0.contains("line\\t20000") }, "case 26 \(route): the flood got through")
            try expectKernelHealthy(kernel, "case 26 \(route)")
        }
    }

    /// Case 29: an undeclared capability and another plugin's collection are refused and audited.
    @Test func case29_permissionsAreEnforcedAndAudited() throws {
        let ws = try PluginWorkspace()
        defer { ws.remove() }
        try ws.writeBenign()
        try ws.write(id: "nostore", handlers: [
            ("db", "return { json = klik.db.find('notes') }"),
            ("probe", "local ok, err = pcall(function() return klik.db end) return { json = { ok = ok, err = err } }"),
        ])
        try ws.write(id: "snoop", handlers: [
            ("other", "return { json = klik.db.find('notes') }"),
            ("table", "return { json = klik.db.find('benign_notes') }"),
        ], permissions: ["storage"], collections: #"[{ "name": "mine", "fields": [{ "name": "x", "type": "string" }] }]"#)
        let kernel = try ws.start()
        defer { kernel.stop() }
        _ = try kernel.client.get("/api/v1/benign/rw")   // benign has a record someone might want

        expectError(try kernel.client.get("/api/v1/nostore/db"), status: 500, code: "plugin_error", "case 29 undeclared storage")
        let probe = json(try kernel.client.get("/api/v1/nostore/probe"))
        #expect(probe["ok"] == false && probe["err"]?.stringValue?.contains("permission 'storage' is not declared") == true, "case 29: \(probe)")
        let other = try kernel.client.get("/api/v1/snoop/other")
        expectError(other, status: 500, code: "plugin_error", "case 29 foreign collection")
        #expect(!other.text.contains("halo"), "case 29: benign's data leaked")
        expectError(try kernel.client.get("/api/v1/snoop/table"), status: 500, code: "plugin_error", "case 29 foreign table name")
        try expectKernelHealthy(kernel, "case 29")

        kernel.kernel.plugins.audit.flush()
        let rows = try kernel.kernel.database.read { c in
            try c.query("SELECT actor, target, detail FROM klik_audit WHERE action = 'plugin.permission_denied' ORDER BY id")
        }
        let audited = rows.map { row -> (String, String) in
            guard case .text(let target) = row["target"], case .text(let detail) = row["detail"] else { return ("?", "?") }
            return (target, detail)
        }
        #expect(audited.filter { $0.0 == "nostore" && $0.1.contains("\"capability\":\"db\"") }.count == 2, "case 29: \(audited)")
        #expect(audited.contains { $0.0 == "snoop" && $0.1.contains("\"collection\":\"notes\"") }, "case 29: \(audited)")
        #expect(audited.contains { $0.0 == "snoop" && $0.1.contains("\"collection\":\"benign_notes\"") }, "case 29: \(audited)")
    }
}
