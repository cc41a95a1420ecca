import Foundation

/// One schema change: an id unique within its scope, and the SQL to run.
public struct Migration: Sendable {
    public let id: String
    public let sql: String
    public init(_ id: String, _ sql: String) {
        self.id = id
        self.sql = sql
    }
}

/// Applies an ordered, append-only list of migrations for one scope ("kernel", or a plugin id),
/// each in its own transaction, recording applied ids in `klik_migrations`. Running it again
/// applies nothing; a history that does not match the list is refused.
public struct Migrator: Sendable {
    public let scope: String
    public let migrations: [Migration]

    public init(scope: String, migrations: [Migration]) {
        self.scope = scope
        self.migrations = migrations
    }

    static let ledger = """
        CREATE TABLE IF NOT EXISTS klik_migrations (
            scope TEXT NOT NULL, id TEXT NOT NULL, position INTEGER NOT NULL, applied_at TEXT NOT NULL,
            PRIMARY KEY (scope, id))
        """

    /// Applies what is missing; answers the ids applied now.
    @discardableResult
    public func apply(to database: Database, now: Date = Date()) throws -> [String] {
        let applied: [String] = try database.write { c in
            try c.execute(Migrator.ledger)
            return try c.query("SELECT id FROM klik_migrations WHERE scope = ? ORDER BY position", [.text(scope)]).compactMap { $0[0].string }
        }
        for (i, id) in applied.enumerated() {
            guard i < migrations.count, migrations[i].id == id else {
                throw StorageError(code: 1, message: "migrations of \(scope): recorded migration '\(id)' at position \(i + 1) is not in the declared list (migrations are append-only)")
            }
        }
        var done: [String] = []
        for (i, migration) in migrations.enumerated().dropFirst(applied.count) {
            try database.write { c in
                try c.execute(migration.sql)
                try c.run("INSERT INTO klik_migrations (scope, id, position, applied_at) VALUES (?, ?, ?, ?)",
                          [.text(scope), .text(migration.id), .integer(Int64(i)), .text(ISO8601DateFormatter().string(from: now))])
            }
            done.append(migration.id)
        }
        return done
    }
}
