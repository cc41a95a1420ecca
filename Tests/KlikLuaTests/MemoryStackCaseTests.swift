// SANDBOX.md cases 18-23, 30, 32: memory and C stack.
import Foundation
import Testing
@testable import KlikLua

/// SANDBOX.md cases about memory and the C stack: 18-23, 30, 32 (state level).
@Suite struct MemoryStackCaseTests {
    static let small = LuaLimits(memoryBytes: 32 << 20, maxAllocationBytes: 8 << 20)
    /// For cases about the stack, not time: a roomy budget so slow machines (or ASan) still reach the limit.
    static let roomy = LuaLimits(callBudget: .seconds(5))

    @Test func case18_growingTableRunsOutOfMemoryAndOthersAreFine() throws {
        try withLargeStack {
            let (bomb, _) = try makeSandbox("""
                return { f = function() local t = {} for i = 1, 1e9 do t[i] = i end end,
                         ok = function() return #({1, 2, 3}) end }
                """, limits: Self.small)
            let (other, _) = try makeSandbox("return { f = function() return ('x'):upper() end }")
            let error = luaError { try bomb.call("f", []) }
            #expect(error?.kind == .outOfMemory)
            #expect(bomb.memoryInUse <= Self.small.memoryBytes)
            #expect(try other.call("f", []) == ["X"])
            #expect(try bomb.call("ok", []) == [3])      // usable again after the full collection
            #expect(bomb.memoryInUse < 1 << 20)
            #expect(!bomb.isPoisoned)
        }
    }

    @Test func case19_hugeRepRefused() throws {
        for source in ["return ('x'):rep(2^31)", "return ('x'):rep(1e8, ',')"] {
            let error = luaError { try runLua(source) }
            #expect(error?.kind == .runtime || error?.kind == .outOfMemory)
            #expect(error?.message.contains("too large") == true || error?.kind == .outOfMemory)
        }
    }

    @Test func case20_pcallAroundMemoryBombStoppedByBudget() throws {
        try withLargeStack {
            let (sandbox, _) = try makeSandbox("""
                return { f = function()
                  while true do pcall(function() local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(100) .. i end end) end
                end }
                """, limits: Self.small)
            var error: LuaError?
            let took = seconds { error = luaError { try sandbox.call("f", []) } }
            #expect(error?.kind == .budgetExceeded)
            #expect(took < 1.2)
            #expect(sandbox.isPoisoned)
        }
    }

    @Test func case21_unboundedRecursionIsCleanError() throws {
        try withLargeStack {
            let (sandbox, _) = try makeSandbox("""
                local function f() return 1 + f() end
                return { f = f, ok = function() return 2 end }
                """, limits: Self.roomy)
            let error = luaError { try sandbox.call("f", []) }
            #expect(error?.kind == .runtime || error?.kind == .outOfMemory)
            #expect(error?.message.contains("stack overflow") == true || error?.kind == .outOfMemory)
            #expect(try sandbox.call("ok", []) == [2])
        }
    }

    @Test func case22_indexRecursionAndRecursiveWrap() throws {
        try withLargeStack {
            let (sandbox, _) = try makeSandbox("""
                local function wrapped() return coroutine.wrap(wrapped)() end
                return {
                  index = function() local t = setmetatable({}, {__index = function(t, k) return t[k] end}) return t.x end,
                  wrap = wrapped,
                  ok = function() return 3 end }
                """, limits: Self.roomy)
            for name in ["index", "wrap"] {
                let error = luaError { try sandbox.call(name, []) }
                #expect(error?.kind == .runtime)
                #expect(error?.message.contains("stack overflow") == true)
            }
            #expect(try sandbox.call("ok", []) == [3])
        }
    }

    @Test func case23_deepCloseChainLeavesProcessAlive() throws {
        // The 5.4.4 C-stack killer: each pending __close closes the previous coroutine
        // (stock Lua segfaults on this with a 512 KiB stack).
        let source = """
            local function build(n)
              local coro = false
              for i = 1, n do
                local previous = coro
                coro = coroutine.create(function()
                  local cc <close> = setmetatable({}, {__close = function()
                    if previous then assert(coroutine.close(previous)) end
                  end})
                  coroutine.yield()
                end)
                assert(coroutine.resume(coro))
              end
              return coro
            end
            return { f = function() return coroutine.close(build(10000)) end, ok = function() return 4 end }
            """
        // Also on a 1 MiB stack: the nesting bound, not the stack size, is what holds.
        for stack in [16 << 20, 1 << 20] {
            try withLargeStack(bytes: stack) {
                let (sandbox, _) = try makeSandbox(source, limits: Self.roomy)
                var out: [LuaValue] = []
                let took = try seconds { out = try sandbox.call("f", []) }
                #expect(took < 5)
                #expect(out.first == false)   // the chain is cut by the nesting bound
                if case .string(let m) = out.last { #expect(m.contains("coroutine.close nested too deeply")) }
                else { Issue.record("no message") }
                #expect(try sandbox.call("ok", []) == [4])
            }
        }
    }

    @Test func case30_memoryBombInsideHostCallbackIsClean() throws {
        try withLargeStack {
            let (sandbox, _) = try makeSandbox("""
                return {
                  caught = function() return pcall(klik.h.huge) end,
                  uncaught = function() local s = klik.h.huge() return #s end,
                  each = function(i) local t = {} for j = 1, 1e9 do t[j] = i end end,
                  ok = function() return 5 end }
                """, limits: Self.small)
            try sandbox.installHostTable("klik.h", functions: [
                "huge": { _ in [.bytes([UInt8](repeating: 7, count: 12 << 20))] },
            ])
            let caught = try sandbox.call("caught", [])
            #expect(caught == [false, "not enough memory"])
            #expect(sandbox.liveReferences == 0)
            #expect(luaError { try sandbox.call("uncaught", []) }?.kind == .outOfMemory)
            #expect(sandbox.liveReferences == 0)
            for i in 0..<3 {   // the kernel calling back into a bomb repeatedly
                #expect(luaError { try sandbox.call("each", [.integer(Int64(i))]) }?.kind == .outOfMemory)
            }
            #expect(try sandbox.call("ok", []) == [5])
            #expect(sandbox.liveReferences == 0)
        }
    }

    @Test func case32_xpcallLoopLoopIsErrorInErrorHandling() throws {
        try withLargeStack {
            let (sandbox, _) = try makeSandbox("""
                local function loop() return 1 + loop() end
                return { f = function() return xpcall(loop, loop) end, ok = function() return 6 end }
                """, limits: LuaLimits(callBudget: .seconds(5), memoryBytes: 256 << 20, maxAllocationBytes: 64 << 20))
            var out: [LuaValue] = []
            var error: LuaError?
            let took = seconds {
                do { out = try sandbox.call("f", []) } catch let e as LuaError { error = e } catch {}
            }
            #expect(took < 5)
            #expect(error == nil)
            #expect(out == [false, "error in error handling"])
            #expect(try sandbox.call("ok", []) == [6])
        }
    }
}
