/// Resource limits for one sandboxed Lua state; the defaults suit a request handler.
public struct LuaLimits: Sendable, Equatable {
    /// Wall-clock budget for one `call`/`callGlobal`.
    public var callBudget: Duration
    /// Budget for loading a module or running the trusted prelude.
    public var loadBudget: Duration
    /// Total allocator cap for the whole state.
    public var memoryBytes: Int
    /// Cap for any single allocation (also the largest string `string.rep` builds).
    public var maxAllocationBytes: Int
    /// A chunk larger than this is refused before parsing (`loadModule`, `load`, `require`).
    public var maxSourceBytes: Int

    public init(callBudget: Duration = .milliseconds(200),
                loadBudget: Duration = .milliseconds(500),
                memoryBytes: Int = 64 << 20,
                maxAllocationBytes: Int = 16 << 20,
                maxSourceBytes: Int = 1 << 20) {
        self.callBudget = callBudget
        self.loadBudget = loadBudget
        self.memoryBytes = memoryBytes
        self.maxAllocationBytes = maxAllocationBytes
        self.maxSourceBytes = maxSourceBytes
    }
}

extension Duration {
    /// Whole nanoseconds, clamped at zero.
    var klikNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        return UInt64(seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
    }
}
