import Foundation
import KlikAuth
import KlikCore
import KlikHTTP
import KlikStorage

/// `/api/v1/admin/api-keys` (create — the key is shown once —, list, revoke) and
/// `/api/v1/admin/audit` (filter by actor, action prefix, time range).
enum AdminKeyAuditRoutes {
    static func register(on routes: inout Router.Builder, kernel: Kernel) {
        let auth = kernel.auth
        routes.add("GET", "/api/v1/admin/api-keys") { request in
            _ = try RouteSupport.adminRead(request)
            return .json(["api_keys": .array(try auth.apiKeys.list().map(\.json))])
        }
        routes.add("POST", "/api/v1/admin/api-keys") { request in
            let caller = try RouteSupport.adminWrite(request)
            let body = try BodyFields(request)
            let name = try body.string("name", max: 100)
            let scopes = try body.strings("scopes") ?? []
            guard scopes.allSatisfy({ s in !s.isEmpty && s.count <= 64 && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ":-_.".contains($0)) } }) else {
                throw KlikError.badRequest("Cakupan tidak sah / invalid scope (letters, digits, ':', '-', '_', '.')", code: "invalid_field")
            }
            let (key, secret) = try auth.apiKeys.create(name: name, scopes: scopes, createdBy: caller.actor)
            auth.record(caller.actor, "apikey.create", "apikey:" + key.id, ["name": .string(name), "scopes": .array(scopes.map { .string($0) })],
                        request.clientAddress)
            var response = HTTPResponse.json(["api_key": key.json, "key": .string(secret)], status: 201)
            response.headers.append(("Cache-Control", "no-store"))
            return response
        }
        routes.add("DELETE", "/api/v1/admin/api-keys/{id}") { request in
            let caller = try RouteSupport.adminWrite(request)
            let id = request.params["id"] ?? ""
            guard try auth.apiKeys.revoke(id: id) else { throw KlikError.notFound("Kunci API tidak ditemukan / no such API key") }
            auth.record(caller.actor, "apikey.revoke", "apikey:" + id, [:], request.clientAddress)
            return .json(["ok": true])
        }
        routes.add("GET", "/api/v1/admin/audit") { [database = kernel.database, audit = kernel.plugins.audit] request in
            _ = try RouteSupport.adminRead(request)
            audit.flush()
            return .json(["entries": .array(try AuditQuery.run(request.query, database: database))])
        }
    }
}

/// Reads `klik_audit` newest first. Query: `actor` (exact), `action` (exact, or a prefix ending
/// in `.` such as `plugin.`), `since`/`until` (RFC 3339 timestamps), `limit` (default 100, max 1000).
enum AuditQuery {
    static func run(_ query: [String: String], database: Database) throws -> [JSONValue] {
        var sql = "SELECT id, at, actor, action, target, detail, address FROM klik_audit WHERE 1 = 1"
        var params: [SQLValue] = []
        if let actor = query["actor"], !actor.isEmpty { sql += " AND actor = ?"; params.append(.text(actor)) }
        if let action = query["action"], !action.isEmpty {
            if action.hasSuffix(".") {
                sql += " AND substr(action, 1, ?) = ?"
                params += [.integer(Int64(action.count)), .text(action)]
            } else {
                sql += " AND action = ?"
                params.append(.text(action))
            }
        }
        if let since = query["since"], !since.isEmpty { sql += " AND at >= ?"; params.append(.text(since)) }
        if let until = query["until"], !until.isEmpty { sql += " AND at < ?"; params.append(.text(until)) }
        let limit = max(1, min(Int(query["limit"] ?? "") ?? 100, 1000))
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(.integer(Int64(limit)))
        return try database.read { c in
            try c.query(sql, params).map { row in
                [
                    "id": .integer(row[0].int64 ?? 0), "at": .string(row[1].string ?? ""), "actor": .string(row[2].string ?? ""),
                    "action": .string(row[3].string ?? ""), "target": .string(row[4].string ?? ""),
                    "detail": (try? JSONParser.parse(row[5].string ?? "{}")) ?? .object([:]), "address": .string(row[6].string ?? ""),
                ]
            }
        }
    }
}
