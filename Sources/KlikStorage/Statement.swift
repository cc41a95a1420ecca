import CSQLite

/// A prepared statement. Owned and used by one `Connection`; finalized in `deinit`.
final class Statement {
    let handle: OpaquePointer
    let columns: [String]

    init(handle: OpaquePointer) {
        self.handle = handle
        let count = Int(sqlite3_column_count(handle))
        columns = (0..<count).map { String(cString: sqlite3_column_name(handle, Int32($0))) }
    }

    deinit { sqlite3_finalize(handle) }

    func bind(_ values: [SQLValue]) -> Int32 {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(handle, index)
            case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
            case .real(let v): rc = sqlite3_bind_double(handle, index, v)
            case .text(let s):
                rc = s.withCString { ksql_bind_text(handle, index, $0, Int32(s.utf8.count)) }
            case .blob(let bytes):
                rc = bytes.withUnsafeBytes { ksql_bind_blob(handle, index, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, Int32($0.count)) }
            }
            if rc != SQLITE_OK { return rc }
        }
        return SQLITE_OK
    }

    func value(at column: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let p = sqlite3_column_text(handle, column) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard count > 0, let p = sqlite3_column_blob(handle, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: p, count: count)))
        default: return .null
        }
    }
}
