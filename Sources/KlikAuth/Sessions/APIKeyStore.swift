import Foundation
import KlikCore
import KlikStorage

/// An integration's API key as listed: never the key itself.
public struct APIKey: Sendable {
    public let id: String
    public let name: String
    public let scopes: [String]
    public let createdBy: String
    public let createdAt: String
    public let lastUsedAt: String?
    public let revokedAt: String?

    public var json: JSONValue {
        var o: [String: JSONValue] = ["id": .string(id), "name": .string(name), "scopes": .array(scopes.map { .string($0) }),
                                      "created_by": .string(createdBy), "created_at": .string(createdAt)]
        o["last_used_at"] = lastUsedAt.map { .string($0) } ?? .null
        o["revoked_at"] = revokedAt.map { .string($0) } ?? .null
        return .object(o)
    }
}

/// API keys for integrations (e.g. Open311 clients) in `klik_api_keys`: created by admins, scoped,
/// shown once, stored as a BLAKE2b digest.
public struct APIKeyStore: Sendable {
    public let database: Database
    public let clock: any Clock
    /// A key's `last_used_at` is written at most once a minute, so a busy integration does not
    /// turn every request into a write.
    public static let lastUseResolution: TimeInterval = 60
    private let lastWritten = LastUseMarks()

    public init(database: Database, clock: any Clock) {
        self.database = database
        self.clock = clock
    }

    /// Creates a key; answers the listing and the key in clear (the only time it exists so).
    public func create(name: String, scopes: [String], createdBy: String) throws -> (APIKey, key: String) {
        let key = Sodium.token(prefix: "klk_")
        let id = "k_" + Sodium.hex(Sodium.randomBytes(6))
        let now = Timestamp.iso8601(clock.now())
        _ = try database.write { c in
            try c.run("INSERT INTO klik_api_keys (id, digest, name, scopes, created_by, created_at) VALUES (?,?,?,?,?,?)",
                      [.text(id), .text(Sodium.digest(key)), .text(name), .text(scopes.joined(separator: ",")), .text(createdBy), .text(now)])
        }
        return (APIKey(id: id, name: name, scopes: scopes, createdBy: createdBy, createdAt: now, lastUsedAt: nil, revokedAt: nil), key)
    }

    public func list() throws -> [APIKey] {
        try database.read { c in
            try c.query("SELECT id, name, scopes, created_by, created_at, last_used_at, revoked_at FROM klik_api_keys ORDER BY created_at, id")
                .map(APIKeyStore.decode)
        }
    }

    /// The live key for a presented secret.
    public func find(key: String) throws -> APIKey? {
        try database.read { c in
            try c.queryOne("SELECT id, name, scopes, created_by, created_at, last_used_at, revoked_at FROM klik_api_keys WHERE digest = ? AND revoked_at IS NULL",
                           [.text(Sodium.digest(key))]).map(APIKeyStore.decode)
        }
    }

    /// Records that a key was used (at most once per `lastUseResolution` per key; best effort:
    /// a failed write never fails the request that used the key).
    public func markUsed(id: String) {
        let now = clock.now()
        guard lastWritten.claim(id, now: now, every: APIKeyStore.lastUseResolution) else { return }
        _ = try? database.write { c in
            try c.run("UPDATE klik_api_keys SET last_used_at = ? WHERE id = ?", [.text(Timestamp.iso8601(now)), .text(id)])
        }
    }

    /// False when no live key has this id.
    public func revoke(id: String) throws -> Bool {
        try database.write { c in
            try c.run("UPDATE klik_api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [.text(Timestamp.iso8601(clock.now())), .text(id)])
        } > 0
    }

    static func decode(_ row: Row) -> APIKey {
        APIKey(id: row[0].string ?? "", name: row[1].string ?? "",
               scopes: (row[2].string ?? "").split(separator: ",").map(String.init), createdBy: row[3].string ?? "",
               createdAt: row[4].string ?? "", lastUsedAt: row[5].string, revokedAt: row[6].string)
    }
}

/// When each key's last use was last written, per process.
final class LastUseMarks: @unchecked Sendable {
    private let lock = NSLock()
    private var written: [String: Date] = [:]

    /// True when the caller should write now (and records that it will).
    func claim(_ id: String, now: Date, every interval: TimeInterval) -> Bool {
        lock.withLock {
            if let last = written[id], now >= last, now.timeIntervalSince(last) < interval { return false }
            if written.count > 10_000 { written.removeAll() }
            written[id] = now
            return true
        }
    }
}
