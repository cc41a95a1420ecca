import Foundation
import KlikCore
import KlikStorage

/// What accepting a notification wrote: its id, the users whose inbox got a row, and whether
/// channel deliveries were queued. Hand it to `Notifier.published(_:)` after the commit.
public struct AcceptedNotification: Sendable {
    public let id: Int64
    public let users: [String]
    public let deliveries: Int
}

/// Writes a notification, one inbox row per recipient and one delivery per subscribed channel,
/// all on the caller's connection inside its transaction (so they commit, or not, together).
enum Outbox {
    static func accept(_ notification: NotificationMessage, to recipients: Recipients, from sender: String,
                       now: Date, maxRecipients: Int, on c: Connection) throws -> AcceptedNotification {
        let users = try resolve(recipients, on: c)
        if users.count > maxRecipients {
            throw NotifyError("klik.notify: \(recipients) has \(users.count) recipients; at most \(maxRecipients) per notification")
        }
        let at = SQLValue.real(now.timeIntervalSince1970)
        try c.run("""
            INSERT INTO klik_notifications (plugin, target, title_id, title_en, body_id, body_en, link, data, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(sender), .text(recipients.description), .text(notification.title.id), .text(notification.title.en),
                  .text(notification.body.id), .text(notification.body.en), notification.link.map(SQLValue.text) ?? .null,
                  .text(JSONWriter.string(notification.data)), at])
        let id = c.lastInsertRowID
        for user in users {
            // The unique (notification, user) pair makes each inbox row exist exactly once.
            try c.run("INSERT OR IGNORE INTO klik_inbox (notification_id, user_id, created_at) VALUES (?, ?, ?)",
                      [.integer(id), .text(user), at])
        }
        var channels: Set<String> = []
        for user in users {
            for row in try c.query("SELECT id FROM klik_channels WHERE owner_kind = 'user' AND owner = ?", [.text(user)]) {
                if let channel = row[0].string { channels.insert(channel) }
            }
        }
        if case .opd(let code) = recipients {
            for row in try c.query("SELECT id FROM klik_channels WHERE owner_kind = 'opd' AND owner = ?", [.text(code)]) {
                if let channel = row[0].string { channels.insert(channel) }
            }
        }
        for channel in channels.sorted() {
            try c.run("""
                INSERT OR IGNORE INTO klik_deliveries (notification_id, channel_id, idempotency_key, state, next_at, updated_at)
                VALUES (?, ?, ?, 'pending', ?, ?)
                """, [.integer(id), .text(channel), .text("klik-\(id)-\(channel)"), at, at])
        }
        return AcceptedNotification(id: id, users: users, deliveries: channels.count)
    }

    /// Enabled users the recipients stand for, at this moment.
    static func resolve(_ recipients: Recipients, on c: Connection) throws -> [String] {
        switch recipients {
        case .user(let id):
            guard let row = try c.queryOne("SELECT disabled FROM klik_users WHERE id = ?", [.text(id)]) else {
                throw NotifyError("klik.notify.user: no user with id '\(id)'")
            }
            return row[0].int64 == 0 ? [id] : []
        case .role(let role):
            return try c.query("""
                SELECT id FROM klik_users WHERE disabled = 0 AND (',' || roles || ',') LIKE ? ORDER BY id
                """, [.text("%,\(role),%")]).compactMap { $0[0].string }
        case .opd(let code):
            guard try c.queryOne("SELECT 1 FROM klik_opd WHERE code = ?", [.text(code)]) != nil else {
                throw NotifyError("klik.notify.opd: no OPD with code '\(code)'")
            }
            return try c.query("""
                SELECT u.id FROM klik_opd_members m JOIN klik_users u ON u.id = m.user_id
                WHERE m.opd_code = ? AND u.disabled = 0 ORDER BY u.id
                """, [.text(code)]).compactMap { $0[0].string }
        }
    }
}
