/// A Lua value as it crosses the bridge: plain data only (no functions, userdata, threads).
public enum LuaValue: Sendable, Equatable {
    case nil_
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    /// A Lua string that is valid UTF-8.
    case string(String)
    /// A Lua string that is not valid UTF-8 (e.g. photo bytes).
    case bytes([UInt8])
    /// A table whose keys are exactly 1...n (n >= 1), or an empty table marked as a JSON array
    /// (`.array([])` passed into Lua, `klik.json.array({})`): it comes back as `.array([])`.
    case array([LuaValue])
    /// Any other table; integer keys become decimal strings. An unmarked empty table is `.table([:])`.
    case table([String: LuaValue])
}

extension LuaValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(nilLiteral: ()) { self = .nil_ }
}
