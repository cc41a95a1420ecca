import KlikAuth
import KlikCore
import KlikHTTP
import KlikNotify

/// The signed-in user's inbox and live events (`/api/v1/me/...`).
enum NotificationRoutes {
    static func register(on routes: inout Router.Builder, notifier: Notifier) {
        let inbox = notifier.inbox
        routes.add("GET", "/api/v1/me/notifications") { request in
            let (_, user) = try RouteSupport.user(request)
            let limit = try integer(request, "limit", default: 20, range: 1...100)
            let before = request.query["before"].map { _ in try? integer(request, "before", default: 0, range: 1...Int.max) } ?? nil
            let unread = ["1", "true"].contains(request.query["unread"] ?? "")
            let page = try inbox.page(user: user.id, before: before.map(Int64.init), limit: limit, unreadOnly: unread)
            return .json(["items": .array(page.items), "next_before": page.nextBefore.map(JSONValue.integer) ?? .null])
        }
        routes.add("GET", "/api/v1/me/notifications/unread-count") { request in
            let (_, user) = try RouteSupport.user(request)
            return .json(["unread": .integer(Int64(try inbox.unreadCount(user: user.id)))])
        }
        routes.add("POST", "/api/v1/me/notifications/read-all") { request in
            let (_, user) = try RouteSupport.user(request)
            return .json(["updated": .integer(Int64(try inbox.markAllRead(user: user.id)))])
        }
        routes.add("POST", "/api/v1/me/notifications/{id}/read") { request in
            let (_, user) = try RouteSupport.user(request)
            guard let id = Int64(request.params["id"] ?? ""), try inbox.markRead(user: user.id, id: id) else {
                throw KlikError.notFound("Notifikasi tidak ditemukan / no such notification")
            }
            return .json(["id": .integer(id), "read": true])
        }
        routes.add("GET", "/api/v1/me/events") { request in
            let (_, user) = try RouteSupport.user(request)
            var last: Int64?
            if let raw = request.header("last-event-id") ?? request.query["last_event_id"], !raw.isEmpty {
                guard let value = Int64(raw), value >= 0 else {
                    throw KlikError.badRequest("Last-Event-ID harus bilangan / Last-Event-ID must be a number", code: "invalid_last_event_id")
                }
                last = value
            }
            return try notifier.events.open(user: user.id, lastEventId: last)
        }
    }

    /// A query parameter as an integer within `range`, or a 400 naming it.
    static func integer(_ request: HTTPRequest, _ name: String, default value: Int, range: ClosedRange<Int>) throws(KlikError) -> Int {
        guard let raw = request.query[name] else { return value }
        guard let n = Int(raw), range.contains(n) else {
            throw KlikError.badRequest("Parameter '\(name)' harus bilangan \(range.lowerBound)–\(range.upperBound) / '\(name)' must be an integer in \(range.lowerBound)...\(range.upperBound)",
                                       code: "invalid_query")
        }
        return n
    }
}
