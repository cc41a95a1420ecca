// Wrapped library behaviour beyond the numbered cases.
import Foundation
import Testing
@testable import KlikLua

/// Behaviour of the wrapped library functions beyond the numbered SANDBOX.md cases.
@Suite struct LibraryTests {
    @Test func randomseedRevealsNothing() throws {
        let out = try runLua("return select('#', math.randomseed()), select('#', math.randomseed(3)), math.type(math.random(10))")
        #expect(out == [0, 0, "integer"])
    }

    @Test func sortIsBounded() throws {
        #expect(try runLua("local t = {3, 1, 2} table.sort(t) return t") == [.array([1, 2, 3])])
        let error = luaError { try runLua("local t = {} for i = 1, (1 << 18) + 1 do t[i] = i end table.sort(t)") }
        #expect(error?.message.contains("too many elements") == true)
    }

    @Test func pcallAllowsYieldInsideCoroutines() throws {
        let out = try runLua("""
            local co = coroutine.wrap(function() local ok, v = pcall(coroutine.yield, 1) return ok, v end)
            local first = co()
            return first, co(5)
            """)
        #expect(out == [1, true, 5])
    }

    @Test func methodSyntaxUsesBoundedFunctions() throws {
        let error = luaError { try runLua("local s = 'ab' return s:rep(2^40)") }
        #expect(error?.message.contains("too large") == true)
        #expect(try runLua("return ('a,b'):gsub(',', ';')") == ["a;b", 1])
    }

    @Test func loadAndPreludeRunUnderLoadBudget() throws {
        try withLargeStack {
            let limits = LuaLimits(loadBudget: .milliseconds(100))
            let (a, _) = try makeSandbox(limits: limits)
            var error: LuaError?
            let took = seconds { error = luaError { try a.loadModule(source: "while true do end", chunkName: "main.lua") } }
            #expect(error?.kind == .budgetExceeded && took < 1.1 && a.isPoisoned)
            let (b, _) = try makeSandbox(limits: limits)
            #expect(luaError { try b.runTrusted(source: "while true do end", chunkName: "prelude") }?.kind == .budgetExceeded)
        }
    }

    @Test func hostTablesAreReadOnly() throws {
        let out = try withLargeStack {
            let (sandbox, _) = try makeSandbox("""
                return { f = function()
                  return pcall(rawset, klik, "x", 1), pcall(setmetatable, klik, nil), getmetatable(klik.db),
                         pcall(function() klik.db = {} end), klik.db.version
                end }
                """)
            try sandbox.installHostTable("klik.db", functions: [:], values: ["version": 3])
            return try sandbox.call("f", [])
        }
        #expect(out == [false, false, "read-only", false, 3])
    }

    @Test func entryPointsCannotYieldOut() throws {
        let error = luaError { try runLua("coroutine.yield(1)") }
        #expect(error?.kind == .runtime)
    }

    @Test func stateIsReusableAcrossManyCallsWithoutLeaks() throws {
        let (live, memory) = try withLargeStack {
            let (sandbox, _) = try makeSandbox("return { f = function(t) return {n = #t.items, first = t.items[1]} end }")
            try sandbox.installHostTable("klik.x", functions: ["id": { $0 }])
            let baseline = sandbox.memoryInUse
            for i in 0..<2000 {
                _ = try sandbox.call("f", [.table(["items": .array([.integer(Int64(i)), "x"])])])
            }
            _ = try? sandbox.call("missing", [])
            return (sandbox.liveReferences, sandbox.memoryInUse - baseline)
        }
        #expect(live == 0)
        #expect(memory < 512 << 10)
    }
}
