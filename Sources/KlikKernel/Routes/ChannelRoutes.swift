import KlikAuth
import KlikCore
import KlikHTTP
import KlikNotify

/// Channel subscriptions (a user's own, an OPD's by admins) and the delivery dead-letter list.
enum ChannelRoutes {
    static func register(on routes: inout Router.Builder, notifier: Notifier, agencies: AgencyStore) {
        let channels = notifier.channels
        routes.add("GET", "/api/v1/me/channels") { request in
            let (_, user) = try RouteSupport.user(request)
            return .json(["channels": .array(try channels.list(owner: .user(user.id)).map { $0.json() })])
        }
        routes.add("POST", "/api/v1/me/channels") { request in
            let (_, user) = try RouteSupport.user(request)
            return try create(request, owner: .user(user.id), channels: channels, defaultEmail: user.email)
        }
        routes.add("DELETE", "/api/v1/me/channels/{id}") { request in
            let (_, user) = try RouteSupport.user(request)
            guard try channels.delete(id: request.params["id"] ?? "", owner: .user(user.id)) else { throw KlikError.notFound() }
            return .json(["deleted": true])
        }
        routes.add("GET", "/api/v1/admin/opds/{code}/channels") { request in
            _ = try RouteSupport.adminRead(request)
            let code = try opd(request, agencies)
            return .json(["channels": .array(try channels.list(owner: .opd(code)).map { $0.json() })])
        }
        routes.add("POST", "/api/v1/admin/opds/{code}/channels") { request in
            _ = try RouteSupport.adminWrite(request)
            return try create(request, owner: .opd(try opd(request, agencies)), channels: channels, defaultEmail: nil)
        }
        routes.add("DELETE", "/api/v1/admin/opds/{code}/channels/{id}") { request in
            _ = try RouteSupport.adminWrite(request)
            guard try channels.delete(id: request.params["id"] ?? "", owner: .opd(try opd(request, agencies))) else { throw KlikError.notFound() }
            return .json(["deleted": true])
        }
        routes.add("GET", "/api/v1/admin/deliveries") { request in
            _ = try RouteSupport.adminRead(request)
            let state = request.query["state"]
            if let state, !["pending", "sent", "dead"].contains(state) {
                throw KlikError.badRequest("state harus pending, sent atau dead / state must be pending, sent or dead", code: "invalid_query")
            }
            let limit = try NotificationRoutes.integer(request, "limit", default: 100, range: 1...1000)
            return .json(["deliveries": .array(try notifier.deliveries.list(state: state, limit: limit))])
        }
        routes.add("POST", "/api/v1/admin/deliveries/{id}/replay") { request in
            _ = try RouteSupport.adminWrite(request)
            guard let id = Int64(request.params["id"] ?? ""), try notifier.deliveries.replay(id) else {
                throw KlikError.notFound("Pengiriman tidak ditemukan atau masih menunggu / no such delivery, or it is still pending")
            }
            notifier.wakeDelivery()
            return .json(["id": .integer(id), "state": "pending"])
        }
    }

    private static func opd(_ request: HTTPRequest, _ agencies: AgencyStore) throws -> String {
        let code = request.params["code"] ?? ""
        guard try agencies.get(code) != nil else { throw KlikError.notFound("OPD tidak ditemukan / no such OPD") }
        return code
    }

    private static func create(_ request: HTTPRequest, owner: Channel.Owner, channels: ChannelStore, defaultEmail: String?) throws -> HTTPResponse {
        let fields = try BodyFields(request)
        guard let kind = Channel.Kind(rawValue: try fields.string("kind", max: 20)) else {
            throw KlikError.badRequest("kind harus webhook atau email / kind must be webhook or email", code: "invalid_field")
        }
        let target: String
        switch kind {
        case .webhook: target = try fields.string("url", max: 1000)
        case .email:
            guard let address = try fields.optionalString("address", max: 254) ?? defaultEmail else {
                throw KlikError.badRequest("Kolom 'address' wajib diisi / field 'address' is required", code: "missing_field")
            }
            target = address
        }
        do {
            let channel = try channels.create(owner: owner, kind: kind, target: target)
            return .json(["channel": channel.json(withSecret: true)], status: 201)
        } catch let error as NotifyError {
            throw KlikError.badRequest(error.message, code: "invalid_field")
        }
    }
}
