/// The binary format shared with CKlikLua's klik_codec.c: tag byte, little-endian numbers,
/// u32 lengths. 0 nil, 1 false, 2 true, 3 int64, 4 double, 5 string, 6 array, 7 table.
enum LuaCodec {
    static let maxDepth = 64

    static func encode(array values: [LuaValue]) -> [UInt8] {
        LuaValueWriter(values).bytes
    }

    /// An empty `.array` stays an array (tag 6, 0 elements): Lua gets a table marked as a
    /// JSON array, which converts back to `.array([])`.
    static func encode(_ value: LuaValue) -> [UInt8] {
        var out = LuaValueWriter(raw: 64)
        out.write(value)
        return out.bytes
    }

    struct Malformed: Error { let why: String }

    /// `.string` for UTF-8, else `.bytes`. ASCII (nearly every key and value) skips the general
    /// validator, which costs several hundred instructions per string.
    static func string(_ bytes: UnsafeRawBufferPointer) -> LuaValue {
        var i = 0
        var high: UInt64 = 0
        while i + 8 <= bytes.count {
            high |= bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < bytes.count {
            high |= UInt64(bytes[i])
            i += 1
        }
        if high & 0x8080_8080_8080_8080 == 0 {
            return .string(bytes.withMemoryRebound(to: UInt8.self) { String(decoding: $0, as: UTF8.self) })
        }
        if let s = String(validating: bytes, as: UTF8.self) { return .string(s) }
        return .bytes(Array(bytes))
    }

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
                return LuaCodec.string(bytes)
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
