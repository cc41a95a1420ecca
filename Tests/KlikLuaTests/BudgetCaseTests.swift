// SANDBOX.md cases 9-17: time budget.
import Foundation
import Synchronization
import Testing
@testable import KlikLua

/// SANDBOX.md cases about time: 9-17 (state level). Each must stop within budget + 1 s.
@Suite struct BudgetCaseTests {
    /// Runs `body` as module function `f`; expects a budget stop in time and a poisoned state.
    func expectBudgetStop(_ body: String, install: (@Sendable (LuaSandbox) throws -> Void)? = nil) throws {
        try withLargeStack {
            let (sandbox, _) = try makeSandbox("local M = {} function M.f() \(body)\n end function M.ok() return 1 end return M")
            try install?(sandbox)
            var error: LuaError?
            let took = seconds { error = luaError { try sandbox.call("f", []) } }
            #expect(error?.kind == .budgetExceeded)
            if ProcessInfo.processInfo.environment["KLIK_PRINT_TIMES"] != nil { print("budget stop after \(took) s: \(body.prefix(60))") }
            #expect(took < 0.2 + 1.0)
            #expect(sandbox.isPoisoned)
            #expect(luaError { try sandbox.call("ok", []) }?.kind == .refused)
        }
    }

    @Test func case09_infiniteLoop() throws {
        try expectBudgetStop("while true do end")
    }

    @Test func case10_pcallSwallowLoop() throws {
        try expectBudgetStop("while true do pcall(function() while true do end end) end")
    }

    @Test func case11_loopingXpcallHandlerNotRunForKill() throws {
        let ran = Atomic<Int>(0)
        try expectBudgetStop("""
            while true do
              xpcall(function() while true do end end, function() klik.t.mark() while true do end end)
            end
            """, install: { sandbox in
                try sandbox.installHostTable("klik.t", functions: ["mark": { _ in ran.add(1, ordering: .relaxed); return [] }])
            })
        #expect(ran.load(ordering: .relaxed) == 0)
    }

    @Test func case11b_handlerThatLoopsOnOrdinaryErrorIsStopped() throws {
        try expectBudgetStop("xpcall(function() error('x') end, function() while true do end end)")
    }

    @Test func case12_loopingClose() throws {
        try expectBudgetStop("do local x <close> = setmetatable({}, {__close = function() while true do end end}) end")
    }

    @Test func case13_gcMetatablesRefusedAndUnloadFast() throws {
        let took = try seconds {
            try withLargeStack {
                let (sandbox, _) = try makeSandbox("""
                    return { f = function()
                      local ok, err = pcall(setmetatable, {}, {__gc = function() while true do end end})
                      local mt = {}
                      local t = setmetatable({}, mt)
                      mt.__gc = function() while true do end end   -- too late: 5.4 does not mark t
                      local ok2 = pcall(collectgarbage, "collect")
                      return ok, err, ok2, type(collectgarbage("count"))
                    end }
                    """)
                let out = try sandbox.call("f", [])
                #expect(out == [false, "setmetatable: metatables with __gc are refused", false, "number"])
            }
        }
        #expect(took < 1.0)
    }

    @Test func case14_runawayInsideCoroutines() throws {
        try expectBudgetStop("coroutine.wrap(function() while true do end end)()")
        try expectBudgetStop("while true do pcall(coroutine.wrap(function() while true do end end)) end")
        try expectBudgetStop("while true do coroutine.resume(coroutine.create(function() while true do end end)) end")
    }

    @Test func case15_tableMoveBounded() throws {
        var error: LuaError?
        let took = seconds { error = luaError { try runLua("return table.move({1,2},1,2^40,1,{})") } }
        #expect(error?.kind == .runtime)
        #expect(error?.message.contains("range is too large") == true)
        #expect(took < 0.5)
        #expect(try runLua("return table.move({1,2,3},1,3,2)") == [.array([1, 1, 2, 3])])
    }

    @Test func case16_stringRepBounded() throws {
        var out: [LuaValue] = []
        var error: LuaError?
        let took = try seconds {
            out = try runLua("return string.rep('', 2^62), ('ab'):rep(2, '-')")
            error = luaError { try runLua("return ('ab'):rep(2^40)") }
        }
        #expect(out == ["", "ab-ab"])
        #expect(error?.kind == .runtime && error?.message.contains("too large") == true)
        #expect(took < 0.5)
    }

    @Test func case17_patternBlowUpsStop() throws {
        for source in [#"return string.find(("a"):rep(40), ("a?"):rep(40) .. ("a"):rep(40))"#,
                       #"return ("a"):rep(1e6):find(".-b")"#,
                       #"return ("a"):rep(1e6):match(("a-"):rep(20) .. "b")"#] {
            var error: LuaError?
            let took = seconds { error = luaError { try runLua(source) } }
            #expect(error?.message.contains("pattern too complex") == true || error?.kind == .budgetExceeded)
            #expect(took < 1.2)
        }
    }

    @Test func hookIsInheritedByCoroutines() throws {
        // A coroutine created before the budget trips still sees the count hook (5.4 copies it).
        try expectBudgetStop("local co = coroutine.create(function() while true do end end) coroutine.resume(co)")
    }
}
