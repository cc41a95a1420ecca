import Foundation
import KlikCore
import KlikStorage

/// One channel delivery of one notification, with what sending it needs.
struct PendingDelivery: Sendable {
    let id: Int64
    let attempts: Int
    let idempotencyKey: String
    let kind: Channel.Kind
    let target: String
    let secret: String
    let notification: JSONValue
}

/// The outbox's delivery rows: due work for the worker, outcomes, the dead-letter list, replay.
public struct DeliveryStore: Sendable {
    let database: Database
    let clock: any Clock
    let options: NotifyOptions

    /// Pending deliveries due now, oldest first. A delivery whose channel was removed dies.
    func due(limit: Int) throws -> [PendingDelivery] {
        let now = clock.now().timeIntervalSince1970
        let rows = try database.read { c in
            try c.query("""
                SELECT d.id, d.attempts, d.idempotency_key, c.kind, c.target, c.secret,
                       n.id, n.plugin, n.target, n.title_id, n.title_en, n.body_id, n.body_en, n.link, n.data, n.created_at, d.channel_id
                FROM klik_deliveries d JOIN klik_notifications n ON n.id = d.notification_id
                LEFT JOIN klik_channels c ON c.id = d.channel_id
                WHERE d.state = 'pending' AND d.next_at <= ? ORDER BY d.next_at, d.id LIMIT ?
                """, [.real(now), .integer(Int64(limit))])
        }
        var out: [PendingDelivery] = []
        for row in rows {
            let id = row[0].int64 ?? 0
            guard let kind = row[3].string.flatMap(Channel.Kind.init(rawValue:)) else {
                try finish(id, state: "dead", error: "channel removed")
                continue
            }
            let notification: JSONValue = [
                "id": .integer(row[6].int64 ?? 0), "plugin": .string(row[7].string ?? ""), "to": .string(row[8].string ?? ""),
                "title": ["id": .string(row[9].string ?? ""), "en": .string(row[10].string ?? "")],
                "body": ["id": .string(row[11].string ?? ""), "en": .string(row[12].string ?? "")],
                "link": row[13].string.map(JSONValue.string) ?? .null,
                "data": row[14].string.flatMap { try? JSONParser.parse($0) } ?? .object([:]),
                "created_at": .string(Timestamp.iso8601(Date(timeIntervalSince1970: row[15].double ?? 0))),
                "channel": .string(row[16].string ?? ""),
            ]
            out.append(PendingDelivery(id: id, attempts: Int(row[1].int64 ?? 0), idempotencyKey: row[2].string ?? "",
                                       kind: kind, target: row[4].string ?? "", secret: row[5].string ?? "", notification: notification))
        }
        return out
    }

    func succeeded(_ delivery: PendingDelivery) throws {
        _ = try database.write { c in
            try c.run("UPDATE klik_deliveries SET state = 'sent', attempts = attempts + 1, last_error = '', updated_at = ? WHERE id = ?",
                      [.real(clock.now().timeIntervalSince1970), .integer(delivery.id)])
        }
    }

    /// Schedules the next attempt with exponential backoff and jitter, or dead-letters it.
    func failed(_ delivery: PendingDelivery, error: String) throws {
        let attempts = delivery.attempts + 1
        if attempts >= options.maxAttempts {
            try finish(delivery.id, state: "dead", error: error, attempts: attempts)
            return
        }
        let delay = DeliveryStore.backoff(attempt: attempts, base: options.retryBaseSeconds, max: options.retryMaxSeconds,
                                          jitter: Double.random(in: 0.5...1.5))
        let now = clock.now().timeIntervalSince1970
        _ = try database.write { c in
            try c.run("UPDATE klik_deliveries SET attempts = ?, next_at = ?, last_error = ?, updated_at = ? WHERE id = ?",
                      [.integer(Int64(attempts)), .real(now + delay), .text(String(error.prefix(300))), .real(now), .integer(delivery.id)])
        }
    }

    /// `base · 2^(attempt−1)`, capped at `max`, times the jitter factor.
    static func backoff(attempt: Int, base: Double, max: Double, jitter: Double) -> Double {
        Swift.min(max, base * pow(2, Double(Swift.max(0, attempt - 1)))) * jitter
    }

    private func finish(_ id: Int64, state: String, error: String, attempts: Int? = nil) throws {
        _ = try database.write { c in
            try c.run("UPDATE klik_deliveries SET state = ?, attempts = coalesce(?, attempts), last_error = ?, updated_at = ? WHERE id = ?",
                      [.text(state), attempts.map { .integer(Int64($0)) } ?? .null, .text(String(error.prefix(300))),
                       .real(clock.now().timeIntervalSince1970), .integer(id)])
        }
    }

    /// How many deliveries are pending and dead (sent ones are not counted).
    func countsByState() throws -> [String: Int] {
        try database.read { c in
            var out: [String: Int] = [:]
            for state in ["pending", "dead"] {
                out[state] = Int(try c.queryOne("SELECT count(*) FROM klik_deliveries WHERE state = ?", [.text(state)])?[0].int64 ?? 0)
            }
            return out
        }
    }

    /// Deliveries in `state` (pending, sent, dead), newest first.
    public func list(state: String?, limit: Int) throws -> [JSONValue] {
        var sql = """
            SELECT d.id, d.notification_id, d.channel_id, d.idempotency_key, d.state, d.attempts, d.next_at, d.last_error, d.updated_at,
                   n.plugin FROM klik_deliveries d JOIN klik_notifications n ON n.id = d.notification_id
            """
        var params: [SQLValue] = []
        if let state { sql += " WHERE d.state = ?"; params.append(.text(state)) }
        sql += " ORDER BY d.id DESC LIMIT ?"
        params.append(.integer(Int64(limit)))
        return try database.read { c in try c.query(sql, params) }.map { row in
            [
                "id": .integer(row[0].int64 ?? 0), "notification_id": .integer(row[1].int64 ?? 0),
                "channel": .string(row[2].string ?? ""), "idempotency_key": .string(row[3].string ?? ""),
                "state": .string(row[4].string ?? ""), "attempts": .integer(row[5].int64 ?? 0),
                "next_at": .string(Timestamp.iso8601(Date(timeIntervalSince1970: row[6].double ?? 0))),
                "last_error": .string(row[7].string ?? ""),
                "updated_at": .string(Timestamp.iso8601(Date(timeIntervalSince1970: row[8].double ?? 0))),
                "plugin": .string(row[9].string ?? ""),
            ]
        }
    }

    /// Queues a dead (or sent) delivery again, now, with a fresh attempt count and the same
    /// idempotency key. False when there is no such delivery or it is already pending.
    public func replay(_ id: Int64) throws -> Bool {
        let now = clock.now().timeIntervalSince1970
        return try database.write { c in
            try c.run("UPDATE klik_deliveries SET state = 'pending', attempts = 0, next_at = ?, updated_at = ? WHERE id = ? AND state != 'pending'",
                      [.real(now), .real(now), .integer(id)]) > 0
        }
    }
}

/// The retry schedule without jitter, for documentation and tests.
public enum DeliveryStoreBackoff {
    public static func delay(attempt: Int, options: NotifyOptions = NotifyOptions()) -> Double {
        DeliveryStore.backoff(attempt: attempt, base: options.retryBaseSeconds, max: options.retryMaxSeconds, jitter: 1)
    }
}
