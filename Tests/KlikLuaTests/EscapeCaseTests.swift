// SANDBOX.md cases 1-8 and 24-28: escapes and leaks.
import Foundation
import Testing
@testable import KlikLua

/// SANDBOX.md cases about escaping the walls and leaking: 1-8, 24-28 (state level).
@Suite struct EscapeCaseTests {
    @Test func case01_osAndIoAreNil() throws {
        let out = try runLua("return type(os), type(io), pcall(function() return os.execute('true') end)")
        #expect(out[0] == "nil" && out[1] == "nil" && out[2] == false)
    }

    @Test func case02_packageAndForeignRequireUnavailable() throws {
        let out = try runLua("""
            local ok1 = pcall(function() return package.loadlib("x", "y") end)
            local ok2, e2 = pcall(require, "io")
            local ok3 = pcall(function() return package.loaded.os end)
            return type(package), ok1, ok2, e2, ok3
            """)
        #expect(out[0] == "nil" && out[1] == false && out[2] == false && out[4] == false)
        guard case .string(let m) = out[3] else { Issue.record("no message"); return }
        #expect(m.contains("module 'io' not found"))
    }

    @Test func case03_debugIsNilAndBudgetStillTrips() throws {
        try withLargeStack {
            let (sandbox, _) = try makeSandbox("""
                return { probe = function() return type(debug), (pcall(function() debug.sethook() end)) end,
                         spin = function() pcall(function() debug.sethook() end) while true do end end }
                """)
            #expect(try sandbox.call("probe", []) == ["nil", false])
            #expect(luaError { try sandbox.call("spin", []) }?.kind == .budgetExceeded)
        }
    }

    @Test func case04_noDumpAndBinaryChunksRefused() throws {
        let out = try runLua(#"return type(string.dump), load("\27Lua\84\0\25\147\r\n\26\n")"#)
        #expect(out == ["nil", .nil_, "load: binary chunks are refused"])
        try withLargeStack {
            let (sandbox, _) = try makeSandbox()
            #expect(luaError { try sandbox.loadModule(source: "\u{1b}Lua", chunkName: "m.lua") }?.kind == .refused)
        }
    }

    @Test func case05_loadedChunksSeeOnlyThePluginEnv() throws {
        let out = try runLua(#"return load("return os")(), load("return io", "x", "t", {io = 1})(), load("return tostring")() == tostring"#)
        #expect(out == [.nil_, .nil_, true])
    }

    @Test func case06_loadRefusesReaderFunctions() throws {
        let out = try runLua("return pcall(load, function() return nil end)")
        #expect(out[0] == false)
        guard case .string(let m) = out[1] else { Issue.record("no message"); return }
        #expect(m.contains("only source strings"))
    }

    @Test func case07_replacingStringUpperStaysInsideThePlugin() throws {
        try withLargeStack {
            let (a, _) = try makeSandbox("return { f = function() string.upper = function() return 'pwned' end return ('x'):upper() end }")
            let (b, _) = try makeSandbox("return { f = function() return ('x'):upper(), string.upper('y') end }")
            #expect(try a.call("f", []) == ["pwned"])
            #expect(try b.call("f", []) == ["X", "Y"])
        }
    }

    @Test func case08_stringMetatableIsHidden() throws {
        let out = try runLua("return getmetatable(''), pcall(function() getmetatable('').__index.sub = print end), ('abc'):sub(2)")
        #expect(out[0] == false && out[1] == false && out.last == "bc")
    }

    @Test func case24_deepNestingAndOversizedSourcesRefused() throws {
        let nested = "return " + String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        try withLargeStack {
            let (sandbox, _) = try makeSandbox("return { f = function(src) return load(src) end }",
                                               limits: LuaLimits(maxSourceBytes: 300_000))
            let syntax = luaError { try sandbox.runTrusted(source: nested, chunkName: "deep.lua") }
            #expect(syntax?.kind == .syntax)
            let out = try sandbox.call("f", [.string(nested)])
            #expect(out.first == .nil_)
            let big = "return 1 --" + String(repeating: "x", count: 400_000)
            #expect(luaError { try sandbox.loadModule(source: big, chunkName: "big.lua") }?.kind == .refused)
            #expect(try sandbox.call("f", [.string(big)]) == [.nil_, "load: chunk is larger than the limit"])
        }
    }

    @Test func case25_nonStringErrorReportedAtOnce() throws {
        try withLargeStack {
            let (sandbox, _) = try makeSandbox("""
                return { f = function() error(setmetatable({}, {__tostring = function() while true do end end})) end,
                         ok = function() return 1 end }
                """)
            var error: LuaError?
            let took = seconds { error = luaError { try sandbox.call("f", []) } }
            #expect(error?.kind == .nonStringError)
            #expect(took < 0.1)
            #expect(!sandbox.isPoisoned)
            #expect(try sandbox.call("ok", []) == [1])
        }
    }

    @Test func case26_logFloodIsRateLimited() throws {
        let sink = try withLargeStack {
            let (sandbox, sink) = try makeSandbox("""
                return { f = function() for i = 1, 10000 do print("line", i) end warn("w") end,
                         long = function() print(("x"):rep(100000)) end }
                """)
            _ = try sandbox.call("f", [])
            _ = try sandbox.call("long", [])
            return sink
        }
        let lines = sink.lines
        #expect(lines.count == 102)
        #expect(lines[0] == "line\t1")
        #expect(lines[100] == "... 9901 log lines dropped")
        #expect(lines[101].utf8.count == 4096)
    }

    @Test func case27_noAddressesNoEnvironment() throws {
        let out = try runLua("""
            return tostring({}), tostring(print), tostring(coroutine.create(print)),
                   (pcall(string.format, "%p", {})), string.format("%s|%5s|%d", {}, true, 3),
                   type(os), select(2, pcall(function() return {} .. "" end))
            """)
        #expect(Array(out[0...3]) == ["table", "function", "thread", false])
        #expect(out[4] == "table| true|3")
        #expect(out[5] == "nil")
        guard case .string(let m) = out[6] else { Issue.record("no message"); return }
        #expect(!m.contains("0x"))
    }

    @Test func case28_noSetlocaleAndRandomIsPerState() throws {
        let source = "return { f = function() math.randomseed(7) return math.random(1 << 30), math.random(1 << 30), type(os) end }"
        try withLargeStack {
            let (a, _) = try makeSandbox(source)
            let (b, _) = try makeSandbox(source)
            let first = try a.call("f", [])
            #expect(try b.call("f", []) == first)
            #expect(first[2] == "nil")
        }
    }
}
