import Foundation
import Testing
import KlikTesting
@testable import KlikStorage

@Suite struct DatabaseTests {
    func temporaryPath(_ name: String = "klik.db") throws -> String {
        try TestKernel.temporaryDirectory().appendingPathComponent(name).path
    }

    @Test func createsAWALDatabaseWithKliksApplicationID() throws {
        let db = try Database(path: try temporaryPath())
        let mode = try db.read { try $0.queryOne("PRAGMA journal_mode")?[0].string }
        #expect(mode == "wal")
        let id = try db.read { try $0.queryOne("PRAGMA application_id")?[0].int64 }
        #expect(id == Int64(Database.applicationID))
    }

    @Test func writesCommitAndRollBack() throws {
        let db = try Database(path: try temporaryPath())
        try db.write { try $0.execute("CREATE TABLE t (v INTEGER)") }
        _ = try db.write { try $0.run("INSERT INTO t VALUES (?)", [1]) }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.write { c in
                try c.run("INSERT INTO t VALUES (?)", [2])
                throw Boom()
            }
        }
        let values = try db.read { try $0.query("SELECT v FROM t ORDER BY v").map { $0[0] } }
        #expect(values == [.integer(1)])
    }

    @Test func roundTripsEveryStorageClass() throws {
        let db = try Database(path: try temporaryPath())
        try db.write { c in
            try c.execute("CREATE TABLE t (a, b, c, d, e)")
            try c.run("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [.null, .integer(-7), .real(2.5), .text("Pangkalan Kerinci ✓"), .blob([0, 255, 1])])
        }
        let row = try db.read { try $0.queryOne("SELECT a, b, c, d, e FROM t") }
        #expect(row?.values == [.null, .integer(-7), .real(2.5), .text("Pangkalan Kerinci ✓"), .blob([0, 255, 1])])
        #expect(row?["d"] == .text("Pangkalan Kerinci ✓"))
    }

    @Test func migrationsApplyOnceAndAreIdempotent() throws {
        let path = try temporaryPath()
        let migrator = Migrator(scope: "demo", migrations: [
            Migration("0001", "CREATE TABLE a (x)"),
            Migration("0002", "CREATE TABLE b (y)"),
        ])
        let db = try Database(path: path)
        #expect(try migrator.apply(to: db) == ["0001", "0002"])
        #expect(try migrator.apply(to: db) == [])
        db.close()
        let reopened = try Database(path: path)
        #expect(try migrator.apply(to: reopened) == [])
        let extended = Migrator(scope: "demo", migrations: migrator.migrations + [Migration("0003", "CREATE TABLE c (z)")])
        #expect(try extended.apply(to: reopened) == ["0003"])
    }

    @Test func aFailingMigrationLeavesNothingBehind() throws {
        let db = try Database(path: try temporaryPath())
        let migrator = Migrator(scope: "demo", migrations: [
            Migration("0001", "CREATE TABLE a (x)"),
            Migration("0002", "CREATE TABLE b (y); CREATE TABLE a (dup)"),
        ])
        #expect(throws: StorageError.self) { try migrator.apply(to: db) }
        let tables = try db.read { try $0.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ('a','b')").compactMap { $0[0].string } }
        #expect(tables == ["a"])
        let recorded = try db.read { try $0.query("SELECT id FROM klik_migrations WHERE scope = 'demo'").compactMap { $0[0].string } }
        #expect(recorded == ["0001"])
    }

    @Test func rewrittenMigrationHistoryIsRefused() throws {
        let db = try Database(path: try temporaryPath())
        try Migrator(scope: "demo", migrations: [Migration("0001", "CREATE TABLE a (x)")]).apply(to: db)
        let rewritten = Migrator(scope: "demo", migrations: [Migration("0001-renamed", "CREATE TABLE a (x)")])
        let error = #expect(throws: StorageError.self) { try rewritten.apply(to: db) }
        #expect(error?.message.contains("append-only") == true)
    }

    @Test func aFileThatIsNotSQLiteIsRefusedAndLeftUntouched() throws {
        let path = try temporaryPath()
        let content = Data("this is a spreadsheet, not a database\n".utf8)
        _ = FileManager.default.createFile(atPath: path, contents: content)
        let error = #expect(throws: StorageError.self) { _ = try Database(path: path) }
        #expect(error?.message.contains("not a SQLite database") == true)
        #expect(FileManager.default.contents(atPath: path) == content)
    }

    @Test func anotherApplicationsDatabaseIsRefusedAndLeftUntouched() throws {
        let path = try temporaryPath()
        let foreign = try Connection(path: path, readOnly: false)
        try foreign.execute("CREATE TABLE customers (name TEXT); INSERT INTO customers VALUES ('x')")
        let before = FileManager.default.contents(atPath: path)
        let error = #expect(throws: StorageError.self) { _ = try Database(path: path) }
        #expect(error?.message.contains("another application") == true)
        #expect(FileManager.default.contents(atPath: path) == before)
    }

    @Test func aCorruptDatabaseIsRefused() throws {
        let path = try temporaryPath()
        do {
            let db = try Database(path: path)
            try db.write { try $0.execute("CREATE TABLE t (x); INSERT INTO t VALUES (1)") }
            db.close()
        }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for i in 100..<min(bytes.count, 4096) { bytes[i] = 0xAB }
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(throws: StorageError.self) { _ = try Database(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    }

    @Test func readersRunConcurrentlyWithTheWriter() throws {
        let db = try Database(path: try temporaryPath())
        try db.write { try $0.execute("CREATE TABLE t (v INTEGER)") }
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            for j in 0..<50 {
                if i % 2 == 0 {
                    _ = try? db.write { try $0.run("INSERT INTO t VALUES (?)", [.integer(Int64(i * 100 + j))]) }
                } else {
                    _ = try? db.read { try $0.queryOne("SELECT count(*) FROM t") }
                }
            }
        }
        #expect(try db.read { try $0.queryOne("SELECT count(*) FROM t")?[0].int64 } == 200)
    }

    @Test func backupIsAConsistentCopyWhileWritesContinue() throws {
        let dir = try TestKernel.temporaryDirectory()
        let db = try Database(path: dir.appendingPathComponent("klik.db").path)
        try db.write { try $0.execute("CREATE TABLE t (v INTEGER)") }
        for i in 0..<500 { _ = try db.write { try $0.run("INSERT INTO t VALUES (?)", [.integer(Int64(i))]) } }
        let writer = Thread {
            for i in 500..<1500 { _ = try? db.write { try $0.run("INSERT INTO t VALUES (?)", [.integer(Int64(i))]) } }
        }
        writer.start()
        let copyPath = dir.appendingPathComponent("copy.db").path
        try db.backup(to: copyPath)
        let copy = try Database(path: copyPath)
        let count = try copy.read { try $0.queryOne("SELECT count(*), max(v) FROM t") }
        let n = count?[0].int64 ?? 0
        #expect(n >= 500)
        // A consistent snapshot: the rows are exactly 0..<n.
        #expect(count?[1].int64 == n - 1)
        #expect(!FileManager.default.fileExists(atPath: copyPath + ".part"))
    }

    @Test func closedDatabaseRefusesWork() throws {
        let db = try Database(path: try temporaryPath())
        db.close()
        #expect(throws: StorageError.self) { try db.read { try $0.queryOne("SELECT 1") } }
        #expect(throws: StorageError.self) { try db.write { try $0.queryOne("SELECT 1") } }
    }
}

/// Pooled readers keep a read transaction between calls; these show that no read ever sees an
/// older state than the last commit that finished before it, whoever committed.
@Suite struct HeldReadTests {
    func temporaryPath() throws -> String { try TestKernel.temporaryDirectory().appendingPathComponent("klik.db").path }
    func count(_ db: Database) throws -> Int64 { try db.read { try $0.queryOne("SELECT count(*) FROM t")?[0].int64 ?? -1 } }

    @Test func aReaderSeesEveryCommitOfThisProcessAtOnce() throws {
        let db = try Database(path: try temporaryPath())
        defer { db.close() }
        try db.write { try $0.execute("CREATE TABLE t (v INTEGER)") }
        #expect(try count(db) == 0)
        #expect(db.idleHeldReads == 1)   // the reader kept its snapshot: nothing changed
        for i in 1...20 {
            #expect(try count(db) == Int64(i - 1))
            #expect(try count(db) == Int64(i - 1))
            _ = try db.write { try $0.run("INSERT INTO t VALUES (?)", [.integer(Int64(i))]) }
            #expect(try count(db) == Int64(i))
        }
        let tx = try db.beginWrite()
        try tx.connection.run("INSERT INTO t VALUES (0)")
        #expect(try count(db) == 20)   // not yet committed
        try tx.commit()
        #expect(try count(db) == 21)
    }

    /// Another connection stands for another process (`klik calendar`, `klik user add`).
    @Test func aReaderSeesCommitsOfOtherConnectionsAtOnce() throws {
        let path = try temporaryPath()
        let server = try Database(path: path)
        defer { server.close() }
        try server.write { try $0.execute("CREATE TABLE t (v INTEGER)") }
        let other = try Database(path: path)
        defer { other.close() }
        for i in 1...20 {
            #expect(try count(server) == Int64(i - 1))
            _ = try other.write { try $0.run("INSERT INTO t VALUES (?)", [.integer(Int64(i))]) }
            #expect(try count(server) == Int64(i))
        }
    }

    @Test func idleReadersDoNotHoldBackCheckpoints() throws {
        let path = try temporaryPath()
        let db = try Database(path: path)
        defer { db.close() }
        try db.write { try $0.execute("CREATE TABLE t (v INTEGER)") }
        DispatchQueue.concurrentPerform(iterations: 4) { _ in for _ in 0..<20 { _ = try? count(db) } }
        #expect(db.idleHeldReads > 0)
        _ = try db.write { try $0.run("INSERT INTO t VALUES (1)") }
        #expect(db.idleHeldReads == 0)
        #expect(try db.checkpoint())
        let wal = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int
        #expect(wal == 0)
        #expect(try count(db) == 1)
    }
}
