import Foundation
import KlikCore
import KlikStorage

/// A user's inbox: their rows, newest first; each row's id is also its live-event id.
public struct Inbox: Sendable {
    let database: Database
    let clock: any Clock

    public struct Page: Sendable {
        public let items: [JSONValue]
        /// Pass as `before` for the next (older) page; nil on the last page.
        public let nextBefore: Int64?
    }

    static let select = """
        SELECT i.id, i.notification_id, i.created_at, i.read_at, n.plugin, n.title_id, n.title_en, n.body_id, n.body_en,
               n.link, n.data FROM klik_inbox i JOIN klik_notifications n ON n.id = i.notification_id
        """

    /// Newest first, `limit` rows older than `before` (an inbox id), optionally unread only.
    public func page(user: String, before: Int64?, limit: Int, unreadOnly: Bool) throws -> Page {
        var sql = Inbox.select + " WHERE i.user_id = ?"
        var params: [SQLValue] = [.text(user)]
        if let before { sql += " AND i.id < ?"; params.append(.integer(before)) }
        if unreadOnly { sql += " AND i.read_at IS NULL" }
        sql += " ORDER BY i.id DESC LIMIT ?"
        params.append(.integer(Int64(limit + 1)))
        let rows = try database.read { c in try c.query(sql, params) }
        let items = rows.prefix(limit).map(Inbox.item)
        let next = rows.count > limit ? rows[limit - 1][0].int64 : nil
        return Page(items: Array(items), nextBefore: next)
    }

    /// Rows newer than `after`, oldest first (live events and `Last-Event-ID` replay).
    public func since(user: String, after: Int64, limit: Int) throws -> [(id: Int64, item: JSONValue)] {
        try database.read { c in
            try c.query(Inbox.select + " WHERE i.user_id = ? AND i.id > ? ORDER BY i.id LIMIT ?",
                        [.text(user), .integer(after), .integer(Int64(limit))])
        }.map { ($0[0].int64 ?? 0, Inbox.item($0)) }
    }

    /// The newest inbox id of the user (0 when empty).
    public func latestId(user: String) throws -> Int64 {
        try database.read { c in try c.queryOne("SELECT max(id) FROM klik_inbox WHERE user_id = ?", [.text(user)])?[0].int64 ?? 0 }
    }

    public func unreadCount(user: String) throws -> Int {
        try database.read { c in
            Int(try c.queryOne("SELECT count(*) FROM klik_inbox WHERE user_id = ? AND read_at IS NULL", [.text(user)])?[0].int64 ?? 0)
        }
    }

    /// Marks one row read; false when the row is not the user's. Reading twice keeps the first time.
    public func markRead(user: String, id: Int64) throws -> Bool {
        let now = clock.now().timeIntervalSince1970
        return try database.write { c in
            guard try c.queryOne("SELECT 1 FROM klik_inbox WHERE id = ? AND user_id = ?", [.integer(id), .text(user)]) != nil else { return false }
            try c.run("UPDATE klik_inbox SET read_at = ? WHERE id = ? AND read_at IS NULL", [.real(now), .integer(id)])
            return true
        }
    }

    /// Marks every unread row read; answers how many changed.
    public func markAllRead(user: String) throws -> Int {
        let now = clock.now().timeIntervalSince1970
        return try database.write { c in
            try c.run("UPDATE klik_inbox SET read_at = ? WHERE user_id = ? AND read_at IS NULL", [.real(now), .text(user)])
        }
    }

    /// Notifications `sender` sent, oldest first, with their recipients (plugin tests, audits).
    public func sent(by sender: String, limit: Int = 200) throws -> [JSONValue] {
        try database.read { c in
            try c.query("SELECT id, target, title_id, title_en, body_id, body_en, link, data FROM klik_notifications WHERE plugin = ? ORDER BY id LIMIT ?",
                        [.text(sender), .integer(Int64(limit))]).map { row in
                let id = row[0].int64 ?? 0
                let users = try c.query("SELECT user_id FROM klik_inbox WHERE notification_id = ? ORDER BY user_id", [.integer(id)])
                    .compactMap { $0[0].string }
                return [
                    "id": .integer(id), "to": .string(row[1].string ?? ""),
                    "title": ["id": .string(row[2].string ?? ""), "en": .string(row[3].string ?? "")],
                    "body": ["id": .string(row[4].string ?? ""), "en": .string(row[5].string ?? "")],
                    "link": row[6].string.map(JSONValue.string) ?? .null,
                    "data": row[7].string.flatMap { try? JSONParser.parse($0) } ?? .object([:]),
                    "recipients": .array(users.map(JSONValue.string)),
                ]
            }
        }
    }

    static func item(_ row: Row) -> JSONValue {
        let data = row[10].string.flatMap { try? JSONParser.parse($0) } ?? .object([:])
        return [
            "id": .integer(row[0].int64 ?? 0),
            "notification_id": .integer(row[1].int64 ?? 0),
            "created_at": .string(Timestamp.iso8601(Date(timeIntervalSince1970: row[2].double ?? 0))),
            "read_at": row[3].double.map { .string(Timestamp.iso8601(Date(timeIntervalSince1970: $0))) } ?? .null,
            "plugin": .string(row[4].string ?? ""),
            "title": ["id": .string(row[5].string ?? ""), "en": .string(row[6].string ?? "")],
            "body": ["id": .string(row[7].string ?? ""), "en": .string(row[8].string ?? "")],
            "link": row[9].string.map(JSONValue.string) ?? .null,
            "data": data,
        ]
    }
}
