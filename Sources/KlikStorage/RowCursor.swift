import CSQLite

/// The current row of a statement, read in place without building a `Row`: for hot paths that
/// copy a row straight into another format. Valid only inside the closure it is passed to.
public struct RowCursor {
    let statement: Statement

    public enum Kind { case null, integer, real, text, blob }

    /// Column names, shared by every row of the statement.
    public var columns: [String] { statement.columns }
    public var count: Int { statement.columns.count }

    public func kind(_ column: Int) -> Kind {
        switch sqlite3_column_type(statement.handle, Int32(column)) {
        case SQLITE_INTEGER: .integer
        case SQLITE_FLOAT: .real
        case SQLITE_TEXT: .text
        case SQLITE_BLOB: .blob
        default: .null
        }
    }

    public func int64(_ column: Int) -> Int64 { sqlite3_column_int64(statement.handle, Int32(column)) }
    public func double(_ column: Int) -> Double { sqlite3_column_double(statement.handle, Int32(column)) }

    /// The bytes of a text (UTF-8) or blob column; valid until the closure returns.
    public func bytes(_ column: Int) -> UnsafeRawBufferPointer {
        let c = Int32(column)
        let p: UnsafeRawPointer? = kind(column) == .blob ? sqlite3_column_blob(statement.handle, c)
                                                        : sqlite3_column_text(statement.handle, c).map(UnsafeRawPointer.init)
        let n = Int(sqlite3_column_bytes(statement.handle, c))
        guard let p, n > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: p, count: n)
    }

    public func value(_ column: Int) -> SQLValue { statement.value(at: Int32(column)) }
}

extension Connection {
    /// Calls `body` with the first row in place; answers false when there is no row.
    public func withFirstRow(_ sql: String, _ params: [SQLValue] = [], _ body: (RowCursor) throws -> Void) throws -> Bool {
        var found = false
        try forEachStatementRow(sql, params) { statement in
            try body(RowCursor(statement: statement))
            found = true
            return false
        }
        return found
    }
}
