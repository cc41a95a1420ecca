import Foundation
import KlikCore
import KlikStorage

/// How long sessions live. Defaults: 30 days absolute, 7 days idle; `last_seen_at` is written at
/// most every 5 minutes so an authenticated request rarely costs a database write.
public struct SessionPolicy: Sendable {
    public var absoluteSeconds: Double = 30 * 86_400
    public var idleSeconds: Double = 7 * 86_400
    public var touchIntervalSeconds: Double = 300
    public init() {}
}

/// A freshly created session: the only time its secrets exist in clear.
public struct NewSession: Sendable {
    public let token: String
    public let csrfToken: String
    public let digest: String
    public let expiresAt: Date
}

/// A live session as stored (digests only).
public struct SessionRecord: Sendable {
    public let digest: String
    public let userId: String
    public let csrfDigest: String
    public let lastSeenAt: Double
    public let expiresAt: Double
}

/// Sessions in `klik_sessions`, keyed by the BLAKE2b digest of their token: a stolen database
/// yields no usable token.
public struct SessionStore: Sendable {
    public let database: Database
    public let clock: any Clock
    public let policy: SessionPolicy

    public init(database: Database, clock: any Clock, policy: SessionPolicy = SessionPolicy()) {
        self.database = database
        self.clock = clock
        self.policy = policy
    }

    public func create(userId: String, address: String) throws -> NewSession {
        let token = Sodium.token(prefix: "kls_")
        let csrf = Sodium.token(prefix: "", bytes: 24)
        let digest = Sodium.digest(token)
        let now = clock.now().timeIntervalSince1970
        let expires = now + policy.absoluteSeconds
        _ = try database.write { c in
            try c.run("INSERT INTO klik_sessions (digest, user_id, csrf_digest, created_at, last_seen_at, expires_at, address) VALUES (?,?,?,?,?,?,?)",
                      [.text(digest), .text(userId), .text(Sodium.digest(csrf)), .real(now), .real(now), .real(expires), .text(address)])
        }
        return NewSession(token: token, csrfToken: csrf, digest: digest, expiresAt: Date(timeIntervalSince1970: expires))
    }

    /// The session for a token digest if it is neither revoked nor expired (absolute or idle).
    public func find(digest: String) throws -> SessionRecord? {
        let now = clock.now().timeIntervalSince1970
        guard let row = try database.read({ c in
            try c.queryOne("SELECT user_id, csrf_digest, last_seen_at, expires_at FROM klik_sessions WHERE digest = ? AND revoked_at IS NULL",
                           [.text(digest)])
        }) else { return nil }
        let record = SessionRecord(digest: digest, userId: row[0].string ?? "", csrfDigest: row[1].string ?? "",
                                   lastSeenAt: row[2].double ?? 0, expiresAt: row[3].double ?? 0)
        guard now < record.expiresAt, now - record.lastSeenAt < policy.idleSeconds else { return nil }
        return record
    }

    /// Records activity when the last record is older than the touch interval.
    public func touch(_ record: SessionRecord) {
        let now = clock.now().timeIntervalSince1970
        guard now - record.lastSeenAt >= policy.touchIntervalSeconds else { return }
        _ = try? database.write { c in
            try c.run("UPDATE klik_sessions SET last_seen_at = ? WHERE digest = ?", [.real(now), .text(record.digest)])
        }
    }

    public func revoke(digest: String) throws {
        _ = try database.write { c in
            try c.run("UPDATE klik_sessions SET revoked_at = ? WHERE digest = ? AND revoked_at IS NULL",
                      [.real(clock.now().timeIntervalSince1970), .text(digest)])
        }
    }

    /// Revokes every session of a user except `keep`; answers the revoked digests.
    @discardableResult
    public func revokeAll(userId: String, except keep: String? = nil) throws -> [String] {
        try database.write { c in
            let rows = try c.query("SELECT digest FROM klik_sessions WHERE user_id = ? AND revoked_at IS NULL AND digest != ?",
                                   [.text(userId), .text(keep ?? "")])
            try c.run("UPDATE klik_sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND digest != ?",
                      [.real(clock.now().timeIntervalSince1970), .text(userId), .text(keep ?? "")])
            return rows.compactMap { $0[0].string }
        }
    }
}
