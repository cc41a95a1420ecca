// Tests of the Swift/Lua bridge: codec round trips, host functions, require, module API.
import Foundation
import Testing
@testable import KlikLua

/// Value codec, host functions, require, module API.
@Suite struct BridgeTests {
    @Test func valuesRoundTrip() throws {
        let values: [LuaValue] = [
            .nil_, .bool(true), .bool(false), .integer(-42), .integer(Int64.max), .number(1.5),
            .string("héllo"), .bytes([0xff, 0x00, 0xd8]),
            .array([.integer(1), .string("two"), .array([.bool(true)])]),
            .table(["a": .integer(1), "nested": .table(["deep": .array([.number(2.5)])])]),
            .table([:]),
        ]
        let out = try withLargeStack {
            let (sandbox, _) = try makeSandbox("return { echo = function(...) return ... end }")
            return try sandbox.call("echo", values)
        }
        #expect(out == values)
    }

    @Test func luaTablesConvert() throws {
        let out = try runLua("return {1,2,3}, {[1]='a',[3]='c'}, {x={y={}}}, 'abc\\255'")
        #expect(out[0] == .array([1, 2, 3]))
        #expect(out[1] == .table(["1": "a", "3": "c"]))
        #expect(out[2] == .table(["x": .table(["y": .table([:])])]))
        #expect(out[3] == .bytes([97, 98, 99, 255]))
    }

    @Test func emptyArraysStayArrays() throws {
        let out = try withLargeStack {
            let (sandbox, _) = try makeSandbox("""
                return {
                  echo = function(...) return ... end,
                  inspect = function(a, t)
                    local mt = getmetatable(a)
                    local changed = pcall(setmetatable, a, {})
                    return mt, changed, #a, getmetatable(t) == nil
                  end,
                  grow = function(a) a[1] = "x" return a end,
                  shrink = function(a) a[1] = "x" table.remove(a) return a end,
                  mark = function() return __klik_json_array({}), __klik_json_array(__klik_json_array({})),
                                           (pcall(__klik_json_array, setmetatable({}, {}))) end,
                }
                """)
            let echoed = try sandbox.call("echo", [.array([]), .table(["items": .array([])]), .table([:])])
            let inspected = try sandbox.call("inspect", [.array([]), .table([:])])
            let grown = try sandbox.call("grow", [.array([])]) + sandbox.call("shrink", [.array([])])
            let marked = try sandbox.call("mark", [])
            return (echoed, inspected, grown, marked)
        }
        #expect(out.0 == [.array([]), .table(["items": .array([])]), .table([:])])
        #expect(out.1 == [false, false, 0, true])          // the marker is hidden and fixed
        #expect(out.2 == [.array(["x"]), .array([])])
        #expect(out.3 == [.array([]), .array([]), false])
    }

    @Test func refusesCyclesFunctionsDeepNesting() throws {
        #expect(luaError { try runLua("local t = {} t.self = t return t") }?.kind == .refused)
        #expect(luaError { try runLua("return print") }?.kind == .refused)
        #expect(luaError { try runLua("return coroutine.create(print)") }?.kind == .refused)
        #expect(luaError { try runLua("local t = {} for i = 1, 70 do t = {t} end return t") }?.kind == .refused)
        #expect(luaError { try runLua("return {[true] = 1}") }?.kind == .refused)
        #expect(try runLua("local t = {} for i = 1, 60 do t = {t} end return 1").first == 1)
        // Shared strings multiply the encoded size: refused past 64 MiB rather than allocated.
        let shared = luaError { try runLua("local s = ('x'):rep(1 << 20) local t = {} for i = 1, 100 do t[i] = s end return t") }
        #expect(shared?.kind == .refused && shared?.message.contains("too large") == true)
    }

    @Test func hostFunctionsReceiveArgumentsAndReturnResults() throws {
        let out = try withLargeStack {
            let (sandbox, _) = try makeSandbox("""
                local M = {}
                function M.run()
                  local a, b = klik.db.get("users", 7, {x = 1})
                  local ok, err = pcall(klik.db.fail)
                  local ok2, err2 = pcall(klik.db.crash)
                  local ok3, err3 = pcall(function() klik.db.get = nil end)
                  return a, b, ok, err, ok2, err2, ok3, klik.json.version, klik.json.null()
                end
                return M
                """)
            try sandbox.installHostTable("klik.db", functions: [
                "get": { args in [.string("got"), .array(args)] },
                "fail": { _ in throw LuaHostError("no such record") },
                "crash": { _ in throw CocoaError(.fileNoSuchFile) },
            ])
            try sandbox.installHostTable("klik.json", functions: ["null": { _ in [] }], values: ["version": 2])
            return (try sandbox.call("run", []), sandbox.liveReferences)
        }
        #expect(out.0.count == 8)
        #expect(out.0[0] == "got")
        #expect(out.0[1] == .array(["users", 7, .table(["x": 1])]))
        #expect(out.0[2] == false && out.0[3] == "no such record")
        #expect(out.0[4] == false && out.0[5] == "host function failed")
        #expect(out.0[6] == false)
        #expect(out.0[7] == 2)
        #expect(out.1 == 0)
    }

    @Test func hostArgumentsThatCannotConvertRaiseInLua() throws {
        let out = try withLargeStack {
            let (sandbox, _) = try makeSandbox("return { f = function() return pcall(klik.x.f, print) end }")
            try sandbox.installHostTable("klik.x", functions: ["f": { _ in [] }])
            return try sandbox.call("f", [])
        }
        #expect(out[0] == false)
        guard case .string(let message) = out[1] else { Issue.record("no message"); return }
        #expect(message.contains("function"))
    }

    @Test func requireLoadsOwnModulesOnceAndNothingElse() throws {
        let root = try temporaryFolder()
        try FileManager.default.createDirectory(at: root.appendingPathComponent("lib"), withIntermediateDirectories: true)
        try "counter = (counter or 0) + 1 return { twice = function(x) return 2 * x end }"
            .write(to: root.appendingPathComponent("lib/util.lua"), atomically: true, encoding: .utf8)
        try "secret".write(to: root.deletingLastPathComponent().appendingPathComponent("outside-\(UUID()).lua"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("escape.lua").path, withDestinationPath: "/etc/passwd")
        let out = try withLargeStack {
            let (sandbox, _) = try makeSandbox(root: root)
            try sandbox.loadModule(source: """
                return { f = function()
                  local u = require("lib.util")
                  local u2 = require("lib.util")
                  local e1 = select(2, pcall(require, "io"))
                  local e2 = select(2, pcall(require, "../x"))
                  local e3 = select(2, pcall(require, "escape"))
                  return u.twice(21), u == u2, counter, e1, e2, e3
                end }
                """, chunkName: "main.lua")
            return try sandbox.call("f", [])
        }
        #expect(out[0] == 42 && out[1] == true && out[2] == 1)
        for i in 3...5 {
            guard case .string(let m) = out[i] else { Issue.record("expected message"); continue }
            #expect(m.contains("not found"))
        }
    }

    @Test func moduleApiAndErrorKinds() throws {
        try withLargeStack {
            let (sandbox, _) = try makeSandbox("return { a = function() end, b = function() error('boom') end, c = 1 }")
            #expect(sandbox.moduleFunctionNames == ["a", "b"])
            #expect(luaError { try sandbox.call("missing", []) }?.kind == .notFound)
            let e = luaError { try sandbox.call("b", []) }
            #expect(e?.kind == .runtime)
            #expect(e?.message.contains("boom") == true)
            #expect(e?.traceback?.contains("main.lua") == true)
            #expect(try sandbox.call("a", []) == [])
            #expect(!sandbox.isPoisoned)
            let syntax = luaError { try sandbox.loadModule(source: "return {\nfunction", chunkName: "bad.lua") }
            #expect(syntax?.kind == .syntax)
            #expect(syntax?.message.contains("bad.lua:2") == true)
            #expect(luaError { try sandbox.loadModule(source: "return 1", chunkName: "m.lua") }?.kind == .runtime)
            try sandbox.runTrusted(source: "function helper(x) return x + 1 end", chunkName: "prelude")
            #expect(try sandbox.callGlobal("helper", [41]) == [42])
        }
    }

    @Test func loadModuleFileRefusesSymlinkOutsideRoot() throws {
        let root = try temporaryFolder()
        let outside = try temporaryFolder().appendingPathComponent("evil.lua")
        try "return {}".write(to: outside, atomically: true, encoding: .utf8)
        try "return { ok = function() return 1 end }".write(to: root.appendingPathComponent("main.lua"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("link.lua").path, withDestinationPath: outside.path)
        try withLargeStack {
            let (sandbox, _) = try makeSandbox(root: root)
            #expect(luaError { try sandbox.loadModule(file: root.appendingPathComponent("link.lua")) }?.kind == .refused)
            try sandbox.loadModule(file: root.appendingPathComponent("main.lua"))
            #expect(try sandbox.call("ok", []) == [1])
        }
    }
}
