/// The binary format shared with CKlikLua's klik_codec.c: tag byte, little-endian numbers,
/// u32 lengths. 0 nil, 1 false, 2 true, 3 int64, 4 double, 5 string, 6 array, 7 table.
enum LuaCodec {
    static let maxDepth = 64

    static func encode(array values: [LuaValue]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        encode(.array(values), into: &out)
        return out
    }

    /// An empty `.array` stays an array (tag 6, 0 elements): Lua gets a table marked as a
    /// JSON array, which converts back to `.array([])`.
    static func encode(_ value: LuaValue) -> [UInt8] {
        var out: [UInt8] = []
        encode(value, into: &out)
        return out
    }

    private static func put32(_ n: Int, _ out: inout [UInt8]) {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: n).littleEndian) { out.append(contentsOf: $0) }
    }

    private static func put64(_ v: UInt64, _ out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func encode(_ value: LuaValue, into out: inout [UInt8]) {
        switch value {
        case .nil_: out.append(0)
        case .bool(let b): out.append(b ? 2 : 1)
        case .integer(let i): out.append(3); put64(UInt64(bitPattern: i), &out)
        case .number(let d): out.append(4); put64(d.bitPattern, &out)
        case .string(let s): out.append(5); put32(s.utf8.count, &out); out.append(contentsOf: s.utf8)
        case .bytes(let b): out.append(5); put32(b.count, &out); out += b
        case .array(let a):
            out.append(6); put32(a.count, &out)
            for v in a { encode(v, into: &out) }
        case .table(let t):
            out.append(7); put32(t.count, &out)
            // Lua tables have no order: keys go in dictionary order, unsorted.
            for (k, v) in t {
                out.append(5); put32(k.utf8.count, &out); out.append(contentsOf: k.utf8)
                encode(v, into: &out)
            }
        }
    }

    struct Malformed: Error { let why: String }

    /// Decodes the top-level array the C side produces.
    static func decodeArray(_ buf: UnsafeRawBufferPointer) throws -> [LuaValue] {
        var reader = Reader(buf: buf)
        guard try reader.u8() == 6 else { throw Malformed(why: "expected an array") }
        let n = try reader.u32()
        var values: [LuaValue] = []
        values.reserveCapacity(min(n, 1024))
        for _ in 0..<n { values.append(try reader.value(depth: 0)) }
        return values
    }

    struct Reader {
        let buf: UnsafeRawBufferPointer
        var pos = 0

        mutating func u8() throws -> UInt8 {
            guard pos < buf.count else { throw Malformed(why: "truncated") }
            defer { pos += 1 }
            return buf[pos]
        }

        mutating func u32() throws -> Int {
            guard buf.count - pos >= 4 else { throw Malformed(why: "truncated") }
            defer { pos += 4 }
            return Int(UInt32(littleEndian: buf.loadUnaligned(fromByteOffset: pos, as: UInt32.self)))
        }

        mutating func u64() throws -> UInt64 {
            guard buf.count - pos >= 8 else { throw Malformed(why: "truncated") }
            defer { pos += 8 }
            return UInt64(littleEndian: buf.loadUnaligned(fromByteOffset: pos, as: UInt64.self))
        }

        mutating func value(depth: Int) throws -> LuaValue {
            guard depth <= LuaCodec.maxDepth + 1 else { throw Malformed(why: "nesting deeper than 64") }
            switch try u8() {
            case 0: return .nil_
            case 1: return .bool(false)
            case 2: return .bool(true)
            case 3: return .integer(Int64(bitPattern: try u64()))
            case 4: return .number(Double(bitPattern: try u64()))
            case 5:
                let n = try u32()
                guard n <= buf.count - pos else { throw Malformed(why: "truncated string") }
                let bytes = UnsafeRawBufferPointer(rebasing: buf[pos..<pos + n])
                pos += n
                if let s = String(validating: bytes, as: UTF8.self) { return .string(s) }
                return .bytes(Array(bytes))
            case 6:
                let n = try u32()
                var a: [LuaValue] = []
                a.reserveCapacity(min(n, 1024))
                for _ in 0..<n { a.append(try value(depth: depth + 1)) }
                return .array(a)
            case 7:
                let n = try u32()
                var t: [String: LuaValue] = [:]
                t.reserveCapacity(min(n, 1024))
                for _ in 0..<n {
                    let key: String
                    switch try value(depth: depth + 1) {
                    case .string(let s): key = s
                    case .integer(let i): key = String(i)
                    default: throw Malformed(why: "table key is neither UTF-8 text nor an integer")
                    }
                    let v = try value(depth: depth + 1)
                    guard t.updateValue(v, forKey: key) == nil else { throw Malformed(why: "duplicate table key '\(key)'") }
                }
                return .table(t)
            default: throw Malformed(why: "unknown tag")
            }
        }
    }
}
