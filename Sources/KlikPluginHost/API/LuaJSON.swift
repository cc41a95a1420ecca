import KlikCore
import KlikLua

/// Converts between JSON documents and Lua values without going through text.
public enum LuaJSON {
    /// JSON `null` becomes Lua `nil` (absent in a table).
    public static func lua(_ json: JSONValue) -> LuaValue {
        switch json {
        case .null: return .nil_
        case .bool(let b): return .bool(b)
        case .integer(let i): return .integer(i)
        case .number(let d): return .number(d)
        case .string(let s): return .string(s)
        case .array(let items): return .array(items.map(lua))
        case .object(let members):
            var table: [String: LuaValue] = [:]
            table.reserveCapacity(members.count)
            for (k, v) in members where v != .null { table[k] = lua(v) }
            return .table(table)
        }
    }

    /// Lua strings that are not UTF-8 become text with replacement characters.
    public static func json(_ value: LuaValue) -> JSONValue {
        switch value {
        case .nil_: return .null
        case .bool(let b): return .bool(b)
        case .integer(let i): return .integer(i)
        case .number(let d): return .number(d)
        case .string(let s): return .string(s)
        case .bytes(let b): return .string(String(decoding: b, as: UTF8.self))
        case .array(let items): return .array(items.map(json))
        case .table(let members): return .object(members.mapValues(json))
        }
    }
}

extension LuaValue {
    public subscript(key: String) -> LuaValue? {
        if case .table(let t) = self { return t[key] }
        return nil
    }
    public var stringValue: String? {
        switch self {
        case .string(let s): return s
        case .bytes(let b): return String(decoding: b, as: UTF8.self)
        default: return nil
        }
    }
    public var intValue: Int64? {
        switch self {
        case .integer(let i): return i
        case .number(let d): return Int64(exactly: d)
        default: return nil
        }
    }
    public var isNil: Bool { if case .nil_ = self { return true }; return false }
    /// Entries of a table, or the elements of an array keyed "1", "2", ...
    public var tableEntries: [String: LuaValue]? {
        switch self {
        case .table(let t): return t
        case .array(let a): return Dictionary(uniqueKeysWithValues: a.enumerated().map { (String($0.offset + 1), $0.element) })
        default: return nil
        }
    }
}

extension LuaJSON {
    /// Writes a Lua value straight to JSON bytes (sorted object keys), without building a
    /// `JSONValue` or an intermediate string: the response path of every plugin route.
    public static func write(_ value: LuaValue, to out: inout [UInt8]) {
        switch value {
        case .nil_: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b): out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8))
        case .integer(let i): out.append(contentsOf: String(i).utf8)
        case .number(let d): out.append(contentsOf: JSONWriter.string(.number(d)).utf8)
        case .string(let s): JSONText.appendString(s, to: &out)
        case .bytes(let b): JSONText.appendString(String(decoding: b, as: UTF8.self), to: &out)
        case .array(let items):
            out.append(0x5B)
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(0x2C) }
                write(item, to: &out)
            }
            out.append(0x5D)
        case .table(let members):
            out.append(0x7B)
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out.append(0x2C) }
                JSONText.appendString(key, to: &out)
                out.append(0x3A)
                write(members[key]!, to: &out)
            }
            out.append(0x7D)
        }
    }

    public static func bytes(_ value: LuaValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, to: &out)
        return out
    }
}
