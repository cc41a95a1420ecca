import Foundation
import KlikCore
import KlikStorage

/// The persisted state of each plugin (`klik_plugin_state`): enabled or not, admin settings,
/// a revision the command line bumps to ask for a reload, and what the server last did.
public struct PluginRecord: Sendable, Equatable {
    public var id: String
    public var enabled: Bool
    public var settings: [String: JSONValue]
    public var revision: Int64
    public var loadedRevision: Int64
    public var status: String
    public var error: String
    public var version: String
}

public struct PluginStateStore: Sendable {
    public let database: Database
    public let clock: any Clock

    public init(database: Database, clock: any Clock) {
        self.database = database
        self.clock = clock
    }

    public func all() throws -> [String: PluginRecord] {
        let rows = try database.read { c in
            try c.query("SELECT id, enabled, settings, revision, loaded_revision, status, error, version FROM klik_plugin_state")
        }
        var result: [String: PluginRecord] = [:]
        for row in rows {
            let id = row[0].string ?? ""
            let settings = (try? JSONParser.parse(row[2].string ?? "{}"))?.objectValue ?? [:]
            result[id] = PluginRecord(id: id, enabled: row[1].int64 != 0, settings: settings, revision: row[3].int64 ?? 0,
                                      loadedRevision: row[4].int64 ?? -1, status: row[5].string ?? "", error: row[6].string ?? "",
                                      version: row[7].string ?? "")
        }
        return result
    }

    public func record(_ id: String) throws -> PluginRecord? { try all()[id] }

    private func ensureRow(_ c: Connection, _ id: String) throws {
        try c.run("INSERT INTO klik_plugin_state (id, updated_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
                  [.text(id), .text(Timestamp.iso8601(clock.now()))])
    }

    public func setEnabled(_ id: String, _ enabled: Bool) throws {
        _ = try database.write { c in
            try ensureRow(c, id)
            try c.run("UPDATE klik_plugin_state SET enabled = ?, updated_at = ? WHERE id = ?",
                      [.integer(enabled ? 1 : 0), .text(Timestamp.iso8601(clock.now())), .text(id)])
        }
    }

    /// Asks the running server to reload; answers the new revision.
    public func requestReload(_ id: String) throws -> Int64 {
        try database.write { c in
            try ensureRow(c, id)
            try c.run("UPDATE klik_plugin_state SET revision = revision + 1, updated_at = ? WHERE id = ?",
                      [.text(Timestamp.iso8601(clock.now())), .text(id)])
            return try c.queryOne("SELECT revision FROM klik_plugin_state WHERE id = ?", [.text(id)])?[0].int64 ?? 0
        }
    }

    /// What the server did with a plugin (status, error, version) and which revision it handled.
    public func report(_ id: String, status: String, error: String, version: String, revision: Int64?) throws {
        _ = try database.write { c in
            try ensureRow(c, id)
            try c.run("""
                UPDATE klik_plugin_state SET status = ?, error = ?, version = ?,
                    loaded_revision = COALESCE(?, loaded_revision) WHERE id = ?
                """, [.text(status), .text(error), .text(version), revision.map { .integer($0) } ?? .null, .text(id)])
        }
    }

    public func saveSettings(_ id: String, _ settings: [String: JSONValue]) throws {
        _ = try database.write { c in
            try ensureRow(c, id)
            try c.run("UPDATE klik_plugin_state SET settings = ?, updated_at = ? WHERE id = ?",
                      [.text(JSONWriter.string(.object(settings))), .text(Timestamp.iso8601(clock.now())), .text(id)])
        }
    }
}
