/// Writes values straight into the bridge's binary format (see `LuaCodec`), for host code on a
/// hot path — the request table of every plugin route, a storage row — that would otherwise build
/// `LuaValue` dictionaries only to encode them at once. Starts with the list header for `count`
/// values; the caller writes exactly that many. Tables and arrays whose size is known only at the
/// end are opened with `beginTable`/`beginArray` and closed with their element count.
public struct LuaValueWriter {
    public private(set) var bytes: [UInt8]

    /// A table or array whose element count is written at the end.
    public struct Open { fileprivate let position: Int }

    public init(values count: Int, capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(6)
        put32(count)
    }

    /// The list of `values`.
    public init(_ values: [LuaValue]) {
        self.init(values: values.count)
        for v in values { write(v) }
    }

    /// A writer for the middle of a value (no list header): `LuaCodec.encode` uses it.
    init(raw capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends with one copy: `append(contentsOf:)` of a raw buffer goes byte by byte.
    private mutating func append(_ b: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: b.assumingMemoryBound(to: UInt8.self))
    }

    private mutating func put32(_ n: Int) {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: n).littleEndian) { append($0) }
    }

    private mutating func put64(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { append($0) }
    }

    public mutating func writeNil() { bytes.append(0) }
    public mutating func write(_ b: Bool) { bytes.append(b ? 2 : 1) }
    public mutating func write(_ i: Int64) { bytes.append(3); put64(UInt64(bitPattern: i)) }
    public mutating func write(_ d: Double) { bytes.append(4); put64(d.bitPattern) }

    public mutating func write(_ s: String) {
        var s = s
        s.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// A Lua string from raw bytes (UTF-8 or not).
    public mutating func write(_ b: UnsafeRawBufferPointer) {
        bytes.append(5)
        put32(b.count)
        append(b)
    }

    /// A table of exactly `count` key/value pairs follows.
    public mutating func table(count: Int) { bytes.append(7); put32(count) }

    /// A table whose pairs are counted by the caller; close it with `end(_:count:)`.
    public mutating func beginTable() -> Open {
        bytes.append(7)
        let open = Open(position: bytes.count)
        put32(0)
        return open
    }

    public mutating func beginArray() -> Open {
        bytes.append(6)
        let open = Open(position: bytes.count)
        put32(0)
        return open
    }

    public mutating func end(_ open: Open, count: Int) {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: count).littleEndian) { b in
            for i in 0..<4 { bytes[open.position + i] = b[i] }
        }
    }

    /// Any value; empty `.array` stays an array (tag 6, 0 elements), see `LuaCodec`.
    public mutating func write(_ value: LuaValue) {
        switch value {
        case .nil_: writeNil()
        case .bool(let b): write(b)
        case .integer(let i): write(i)
        case .number(let d): write(d)
        case .string(let s): write(s)
        case .bytes(let b): b.withUnsafeBytes { write($0) }
        case .array(let a):
            bytes.append(6); put32(a.count)
            for v in a { write(v) }
        case .table(let t):
            table(count: t.count)
            // Lua tables have no order: keys go in dictionary order, unsorted.
            for (k, v) in t {
                write(k)
                write(v)
            }
        }
    }
}
