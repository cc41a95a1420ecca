import CSQLite
import Foundation
import KlikCore
import Synchronization

/// The kernel's SQLite database: one serialized writer and a pool of readers over one WAL file.
/// A file that is not SQLite, or a SQLite file of another application, is refused, never overwritten.
///
/// A pooled reader keeps its read transaction open between calls for as long as nothing was
/// committed — by this process (a counter bumped by every commit) or by another one (the WAL-index
/// header, see `WALIndexWatch`) — so a stream of reads does not pay SQLite's per-transaction WAL
/// locks. Every read still sees every commit that finished before it started. Idle readers give
/// up their snapshot after each commit of this process, so they never hold back checkpoints.
public final class Database: @unchecked Sendable {
    /// `PRAGMA application_id` of Klik databases ("KLIK").
    public static let applicationID: Int32 = 0x4B4C_494B

    public struct Options: Sendable {
        public var readers = 4
        /// `NORMAL` keeps every committed transaction across a process crash (`kill -9`) in WAL mode;
        /// `FULL` also across power loss, at the cost of an fsync per commit.
        public var synchronous = "NORMAL"
        public var busyTimeoutMilliseconds = 5000
        public init() {}
    }

    public let path: String
    private var writer: Connection?
    private let writerLock = NSLock()
    private var idleReaders: [Connection] = []
    private let readerLock = NSCondition()
    private var readersCreated = 0
    private var closed = false
    private let options: Options
    /// Commits made through this `Database` (the writer); a reader's held snapshot older than this is stale.
    private let commits = Atomic<UInt64>(0)
    /// In WAL mode readers may hold their read transaction (other connections' commits are seen in the WAL index).
    private var holdsReads = false

    public init(path: String, options: Options = Options()) throws(StorageError) {
        self.path = path
        self.options = options
        try Database.checkHeader(path)
        let writer = try Connection(path: path, readOnly: false)
        self.writer = writer
        try configure(writer, readOnly: false)
        try checkApplication()
        try writer.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = \(options.synchronous)")
        holdsReads = (try? writer.queryOne("PRAGMA journal_mode"))??[0].string == "wal"
    }

    /// Refuses a non-empty file that does not start with SQLite's magic header.
    private static func checkHeader(_ path: String) throws(StorageError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            if FileManager.default.fileExists(atPath: path) {
                throw StorageError(code: SQLITE_CANTOPEN, message: "\(path): tidak dapat dibaca / cannot be read")
            }
            return
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        if header.isEmpty { return }
        if header != Data("SQLite format 3\0".utf8) {
            throw StorageError(code: SQLITE_NOTADB,
                message: "\(path): bukan basis data SQLite; berkas tidak diubah / is not a SQLite database; the file was left untouched")
        }
    }

    private func configure(_ connection: Connection, readOnly: Bool) throws(StorageError) {
        try connection.execute("PRAGMA busy_timeout = \(options.busyTimeoutMilliseconds)")
        if !readOnly {
            // Read the schema first: a corrupt file fails here, before anything is written.
            do {
                _ = try connection.queryOne("SELECT count(*) FROM sqlite_schema")
            } catch let error as StorageError {
                throw StorageError(code: error.code,
                    message: "\(path): basis data rusak atau bukan milik Klik; berkas tidak diubah / corrupt or foreign database, the file was left untouched (\(error.message))")
            } catch {
                throw StorageError(code: SQLITE_ERROR, message: "\(error)")
            }
        }
        try connection.execute("PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY")
    }

    /// Accepts a new file or one Klik made; refuses a SQLite database of another application.
    private func checkApplication() throws(StorageError) {
        guard let writer else { throw Database.closedError }
        do {
            let id = try writer.queryOne("PRAGMA application_id")?[0].int64 ?? 0
            if id == Int64(Database.applicationID) { return }
            let tables = try writer.queryOne("SELECT count(*) FROM sqlite_schema")?[0].int64 ?? 0
            if id != 0 || tables > 0 {
                throw StorageError(code: SQLITE_NOTADB,
                    message: "\(path): basis data SQLite milik aplikasi lain; berkas tidak diubah / a SQLite database of another application; the file was left untouched")
            }
            // A new file, or an empty SQLite file with no tables, becomes Klik's.
            try writer.execute("PRAGMA application_id = \(Database.applicationID)")
        } catch let error as StorageError {
            throw error
        } catch {
            throw StorageError(code: SQLITE_ERROR, message: "\(error)")
        }
    }

    /// Runs `body` in an immediate transaction on the single writer; commits when it returns,
    /// rolls back when it throws. Writers queue behind each other.
    public func write<T>(_ body: (Connection) throws -> T) throws -> T {
        writerLock.lock()
        var committed = false
        defer {
            writerLock.unlock()
            if committed { releaseIdleReads() }
        }
        guard let writer else { throw Database.closedError }
        try writer.execute("BEGIN IMMEDIATE")
        do {
            let result = try body(writer)
            try writer.execute("COMMIT")
            committed = true
            commits.add(1, ordering: .releasing)
            return result
        } catch {
            if writer.isInTransaction { try? writer.execute("ROLLBACK") }
            throw error
        }
    }

    /// Starts an immediate transaction on the writer and keeps the writer until `commit` or
    /// `rollback` (for transactions that span several calls, e.g. a plugin's `klik.db.transaction`).
    /// Must be finished on the thread that began it.
    public func beginWrite() throws -> WriteTransaction {
        writerLock.lock()
        guard let writer else {
            writerLock.unlock()
            throw Database.closedError
        }
        do {
            try writer.execute("BEGIN IMMEDIATE")
        } catch {
            writerLock.unlock()
            throw error
        }
        return WriteTransaction(connection: writer, release: { [writerLock] committed in
            if committed { self.commits.add(1, ordering: .releasing) }
            writerLock.unlock()
            if committed { self.releaseIdleReads() }
        })
    }

    /// After a commit: idle readers end their read transactions (their snapshots are stale), so
    /// none holds back the WAL checkpoint while it waits in the pool.
    private func releaseIdleReads() {
        readerLock.lock()
        for reader in idleReaders where reader.heldRead != nil { reader.releaseRead() }
        readerLock.unlock()
    }

    /// Runs `body` on a pooled read-only connection (a consistent snapshot for its duration when
    /// it opens a transaction itself).
    public func read<T>(_ body: (Connection) throws -> T) throws -> T {
        let connection = try checkoutReader()
        defer { checkinReader(connection) }
        return try body(connection)
    }

    static let closedError = StorageError(code: SQLITE_MISUSE, message: "database is closed")

    /// Closes every connection; later calls fail with "database is closed". The last close
    /// checkpoints the WAL into the main file.
    public func close() {
        readerLock.lock()
        closed = true
        idleReaders.removeAll()
        readerLock.broadcast()
        readerLock.unlock()
        writerLock.lock()
        writer = nil
        writerLock.unlock()
    }

    private func checkoutReader() throws(StorageError) -> Connection {
        readerLock.lock()
        if closed { readerLock.unlock(); throw Database.closedError }
        while idleReaders.isEmpty && readersCreated >= options.readers && !closed { readerLock.wait() }
        if closed { readerLock.unlock(); throw Database.closedError }
        if let connection = idleReaders.popLast() {
            readerLock.unlock()
            freshen(connection)
            return connection
        }
        readersCreated += 1
        readerLock.unlock()
        do {
            let connection = try Connection(path: path, readOnly: true)
            try configure(connection, readOnly: true)
            if holdsReads {
                // A first read opens the WAL index, which `freshen` watches from then on.
                _ = try? connection.queryOne("SELECT count(*) FROM sqlite_schema")
                connection.findWALIndex()
            }
            freshen(connection)
            return connection
        } catch {
            readerLock.lock()
            readersCreated -= 1
            readerLock.signal()
            readerLock.unlock()
            throw error
        }
    }

    /// Keeps the reader's read transaction when nothing was committed since it began, else starts
    /// a new one. The commit count and WAL header are read before the snapshot is taken, so a
    /// commit racing with this only makes the snapshot newer than recorded (and renewed next time).
    private func freshen(_ connection: Connection) {
        guard holdsReads, let walIndex = connection.walIndex else { return }
        let now = Connection.HeldRead(commits: commits.load(ordering: .acquiring), wal: WALIndexWatch.stamp(walIndex))
        if let held = connection.heldRead {
            if held == now { return }
            connection.releaseRead()
        }
        connection.holdRead(now)
    }

    /// Idle readers keeping a read transaction (for tests).
    var idleHeldReads: Int {
        readerLock.lock()
        defer { readerLock.unlock() }
        return idleReaders.filter { $0.heldRead != nil }.count
    }

    private func checkinReader(_ connection: Connection) {
        if let held = connection.heldRead, held.commits != commits.load(ordering: .acquiring) { connection.releaseRead() }
        readerLock.lock()
        if closed { readersCreated -= 1; readerLock.unlock(); return }
        idleReaders.append(connection)
        readerLock.signal()
        readerLock.unlock()
    }

    /// Writes a consistent copy of the live database to `destination` with SQLite's online backup
    /// API while others keep reading and writing. The copy appears atomically (temp file + rename).
    public func backup(to destination: String) throws(StorageError) {
        let temporary = destination + ".part"
        try? FileManager.default.removeItem(atPath: temporary)
        let target = try Connection(path: temporary, readOnly: false)
        let source = try checkoutReader()
        defer { checkinReader(source) }
        guard let backup = sqlite3_backup_init(target.handle, "main", source.handle, "main") else {
            throw StorageError(code: sqlite3_errcode(target.handle), message: String(cString: sqlite3_errmsg(target.handle)))
        }
        var rc: Int32
        repeat {
            rc = sqlite3_backup_step(backup, -1)
            if rc == SQLITE_BUSY || rc == SQLITE_LOCKED { usleep(10_000) }
        } while rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED
        sqlite3_backup_finish(backup)
        guard rc == SQLITE_DONE else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw StorageError(code: rc, message: "backup: \(String(cString: sqlite3_errstr(rc)))")
        }
        do {
            try target.execute("PRAGMA journal_mode = DELETE")
        } catch {}
        if rename(temporary, destination) != 0 {
            throw StorageError(code: SQLITE_CANTOPEN, message: "backup: cannot move copy to \(destination): \(String(cString: strerror(errno)))")
        }
    }

    /// Copies the whole WAL into the database file and truncates it (`wal_checkpoint(TRUNCATE)`);
    /// answers false when a reader still needed part of the WAL after the busy timeout.
    @discardableResult
    public func checkpoint() throws -> Bool {
        writerLock.lock()
        defer { writerLock.unlock() }
        guard let writer else { throw Database.closedError }
        return try writer.queryOne("PRAGMA wal_checkpoint(TRUNCATE)")?[0].int64 == 0
    }

    /// `PRAGMA data_version` of the writer: changes when another process commits (used to notice
    /// `klik plugin enable` from the command line).
    public func externalChangeCounter() -> Int64 {
        writerLock.lock()
        defer { writerLock.unlock() }
        return (try? writer?.queryOne("PRAGMA data_version")?[0].int64) ?? 0
    }
}

/// A write transaction that spans several calls; holds the single writer until finished.
/// Finishing twice is harmless; a transaction dropped unfinished is rolled back.
public final class WriteTransaction {
    public let connection: Connection
    /// Called once with whether the transaction committed.
    private let release: (Bool) -> Void
    private var finished = false

    init(connection: Connection, release: @escaping (Bool) -> Void) {
        self.connection = connection
        self.release = release
    }

    public func commit() throws {
        guard !finished else { return }
        do {
            try connection.execute("COMMIT")
        } catch {
            rollback()
            throw error
        }
        finished = true
        release(true)
    }

    public func rollback() {
        guard !finished else { return }
        finished = true
        if connection.isInTransaction { try? connection.execute("ROLLBACK") }
        release(false)
    }

    deinit { rollback() }
}
