import CSQLite

/// One SQLite connection with its statement cache. Used by one thread at a time (the `Database`
/// hands it out under a lock); closed in `deinit`.
public final class Connection {
    let handle: OpaquePointer
    private var cache: [String: Statement] = [:]
    private static let cacheLimit = 128

    init(path: String, readOnly: Bool) throws(StorageError) {
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(db)
            throw StorageError(code: rc, message: message)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    private func error(_ rc: Int32) -> StorageError {
        StorageError(code: rc, message: String(cString: sqlite3_errmsg(handle)))
    }

    /// Runs one or more statements without parameters (schema, pragmas).
    public func execute(_ sql: String) throws(StorageError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        if rc != SQLITE_OK { throw error(rc) }
    }

    private func statement(_ sql: String) throws(StorageError) -> Statement {
        if let cached = cache[sql] { return cached }
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc) }
        let statement = Statement(handle: stmt)
        if cache.count >= Connection.cacheLimit { cache.removeAll() }
        cache[sql] = statement
        return statement
    }

    /// Runs a statement that returns no rows; answers the number of rows changed.
    @discardableResult
    public func run(_ sql: String, _ params: [SQLValue] = []) throws(StorageError) -> Int {
        let stmt = try statement(sql)
        defer { sqlite3_reset(stmt.handle) }
        var rc = stmt.bind(params)
        if rc != SQLITE_OK { throw error(rc) }
        repeat { rc = sqlite3_step(stmt.handle) } while rc == SQLITE_ROW
        if rc != SQLITE_DONE { throw error(rc) }
        return Int(sqlite3_changes(handle))
    }

    /// Calls `body` for each row; stop early by returning false.
    public func forEach(_ sql: String, _ params: [SQLValue] = [], _ body: (Row) throws -> Bool) throws {
        try forEachStatementRow(sql, params) { stmt in
            let count = Int32(stmt.columns.count)
            var values: [SQLValue] = []
            values.reserveCapacity(Int(count))
            for c in 0..<count { values.append(stmt.value(at: c)) }
            return try body(Row(columns: stmt.columns, values: values))
        }
    }

    /// Steps the statement, calling `body` while it is positioned on each row.
    func forEachStatementRow(_ sql: String, _ params: [SQLValue], _ body: (Statement) throws -> Bool) throws {
        let stmt = try statement(sql)
        defer { sqlite3_reset(stmt.handle) }
        var rc = stmt.bind(params)
        if rc != SQLITE_OK { throw error(rc) }
        while true {
            rc = sqlite3_step(stmt.handle)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw error(rc) }
            if try !body(stmt) { return }
        }
    }

    public func query(_ sql: String, _ params: [SQLValue] = []) throws -> [Row] {
        var rows: [Row] = []
        try forEach(sql, params) { rows.append($0); return true }
        return rows
    }

    public func queryOne(_ sql: String, _ params: [SQLValue] = []) throws -> Row? {
        var found: Row?
        try forEach(sql, params) { found = $0; return false }
        return found
    }

    /// What a pooled reader's open read transaction was started against (nil: none is held).
    /// See `Database.checkoutReader`.
    var heldRead: HeldRead?

    struct HeldRead: Equatable {
        let commits: UInt64
        let wal: WALIndexWatch.Stamp
    }

    /// Where SQLite mapped this connection's WAL index; nil until a read in WAL mode opened it.
    /// Stays valid while the connection is open (SQLite unmaps it when its last connection closes).
    private(set) var walIndex: UnsafeRawPointer?

    /// Looks the WAL index up once the connection has read in WAL mode.
    func findWALIndex() {
        if walIndex == nil { walIndex = ksql_wal_index(handle) }
    }

    /// Opens a read transaction kept across calls; the snapshot is taken by the next statement.
    func holdRead(_ state: HeldRead) {
        guard (try? run("BEGIN")) != nil else { return }
        heldRead = state
    }

    /// Ends the kept read transaction, letting checkpoints move past its snapshot.
    func releaseRead() {
        heldRead = nil
        guard isInTransaction else { return }
        if (try? run("COMMIT")) == nil { try? execute("ROLLBACK") }
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }
}
