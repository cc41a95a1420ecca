import Foundation
import KlikAuth
import KlikCore
import KlikHTTP

/// `/api/v1/admin/users` and `/api/v1/admin/opds`: search users, create staff, set roles,
/// disable and enable; create and rename OPDs, manage members. Every change is audited.
enum AdminUserRoutes {
    static func register(on routes: inout Router.Builder, auth: AuthService) {
        routes.add("GET", "/api/v1/admin/users") { request in
            _ = try RouteSupport.adminRead(request)
            var role: Role?
            if let name = request.query["role"], !name.isEmpty {
                guard let r = Role(rawValue: name) else { throw KlikError.badRequest("Peran tidak dikenal / unknown role", code: "invalid_role") }
                role = r
            }
            let limit = Int(request.query["limit"] ?? "") ?? 100
            let found = try auth.users.search(text: request.query["q"], role: role, opd: request.query["opd"].flatMap { $0.isEmpty ? nil : $0 }, limit: limit)
            return .json(["users": .array(found.map(\.json))])
        }
        routes.add("GET", "/api/v1/admin/users/{id}") { request in
            _ = try RouteSupport.adminRead(request)
            return .json(["user": try user(auth, request.params["id"] ?? "").json])
        }
        routes.add("POST", "/api/v1/admin/users") { request in
            let caller = try RouteSupport.adminWrite(request)
            let body = try BodyFields(request)
            let roles = try parseRoles(try body.strings("roles") ?? [])
            let email = try body.optionalString("email", max: 254).map { raw throws(KlikError) in
                guard let e = Identifiers.email(raw) else { throw KlikError.badRequest("E-mail tidak sah / invalid e-mail", code: "invalid_field") }
                return e
            }
            let phone = try body.optionalString("phone", max: 30).map { raw throws(KlikError) in
                guard let p = Identifiers.phone(raw) else { throw KlikError.badRequest("Nomor telepon tidak sah / invalid phone", code: "invalid_field") }
                return p
            }
            guard email != nil || phone != nil else { throw KlikError.badRequest("Isi e-mail atau telepon / give an e-mail or phone", code: "missing_field") }
            let new = UserStore.NewUser(name: try body.string("name", max: 100), email: email, phone: phone, roles: roles,
                                        kecamatan: try body.optionalString("kecamatan"), desa: try body.optionalString("desa"))
            let password = try body.string("password", max: 1024)
            let opds = try body.strings("opds") ?? []
            for code in opds where try auth.agencies.get(code) == nil { throw KlikError.badRequest("OPD '\(code)' tidak ada / does not exist", code: "unknown_opd") }
            return RouteSupport.deferred(request) {
                var created = try auth.createUser(new, password: password)
                for code in opds { try auth.agencies.addMember(code, userId: created.id) }
                created.opds = opds.sorted()
                auth.record(caller.actor, "user.create", "user:" + created.id,
                            ["roles": .array(roles.map { .string($0.rawValue) }), "opds": .array(opds.map { .string($0) })], request.clientAddress)
                return .json(["user": created.json], status: 201)
            }
        }
        routes.add("PUT", "/api/v1/admin/users/{id}/roles") { request in
            let caller = try RouteSupport.adminWrite(request)
            let target = try user(auth, request.params["id"] ?? "")
            let roles = try parseRoles(try BodyFields(request).strings("roles") ?? [])
            if target.has(.admin), !roles.contains(.admin) { try keepOneAdmin(auth, losing: target) }
            try auth.users.setRoles(target.id, roles)
            auth.authenticator.invalidate(userId: target.id)
            auth.record(caller.actor, "user.roles", "user:" + target.id, ["before": .array(target.roles.map { .string($0.rawValue) }),
                                                                          "after": .array(roles.map { .string($0.rawValue) })], request.clientAddress)
            return .json(["user": try user(auth, target.id).json])
        }
        for (action, disabled) in [("disable", true), ("enable", false)] {
            routes.add("POST", "/api/v1/admin/users/{id}/" + action) { request in
                let caller = try RouteSupport.adminWrite(request)
                let target = try user(auth, request.params["id"] ?? "")
                if disabled, target.has(.admin) { try keepOneAdmin(auth, losing: target) }
                try auth.users.setDisabled(target.id, disabled)
                if disabled { auth.authenticator.invalidate(digests: try auth.sessions.revokeAll(userId: target.id)) }
                auth.authenticator.invalidate(userId: target.id)
                auth.record(caller.actor, "user." + action, "user:" + target.id, [:], request.clientAddress)
                return .json(["user": try user(auth, target.id).json])
            }
        }
        AdminOPDRoutes.register(on: &routes, auth: auth)
    }

    static func user(_ auth: AuthService, _ id: String) throws -> User {
        guard let found = try auth.users.user(id) else { throw KlikError.notFound("Pengguna tidak ditemukan / no such user") }
        return found
    }

    /// Refuses (409) a change that would leave no active admin: nobody could administer Klik
    /// any more except through `klik user add` on the server.
    static func keepOneAdmin(_ auth: AuthService, losing target: User) throws {
        let others = try auth.users.search(role: .admin, limit: 1000).filter { !$0.disabled && $0.id != target.id }
        guard !others.isEmpty else {
            throw KlikError.conflict("Admin aktif terakhir tidak dapat dilepas / the last active admin cannot be removed", code: "last_admin")
        }
    }

    static func parseRoles(_ names: [String]) throws(KlikError) -> [Role] {
        guard !names.isEmpty, let roles = Role.parse(names) else {
            throw KlikError.badRequest("Peran harus dari / roles must be from: \(Role.allCases.map(\.rawValue).joined(separator: ", "))", code: "invalid_role")
        }
        return roles
    }
}

/// OPDs (agencies) and their members.
enum AdminOPDRoutes {
    static func register(on routes: inout Router.Builder, auth: AuthService) {
        routes.add("GET", "/api/v1/admin/opds") { request in
            _ = try RouteSupport.adminRead(request)
            return .json(["opds": .array(try auth.agencies.list().map(\.json))])
        }
        routes.add("POST", "/api/v1/admin/opds") { request in
            let caller = try RouteSupport.adminWrite(request)
            let agency = try parse(request, code: nil)
            try auth.agencies.create(agency)
            auth.record(caller.actor, "opd.create", "opd:" + agency.code, ["after": agency.json], request.clientAddress)
            return .json(["opd": agency.json], status: 201)
        }
        routes.add("PUT", "/api/v1/admin/opds/{code}") { request in
            let caller = try RouteSupport.adminWrite(request)
            let code = request.params["code"] ?? ""
            guard let before = try auth.agencies.get(code) else { throw KlikError.notFound("OPD tidak ditemukan / no such OPD") }
            let agency = try parse(request, code: code)
            _ = try auth.agencies.update(agency)
            auth.record(caller.actor, "opd.update", "opd:" + code, ["before": before.json, "after": agency.json], request.clientAddress)
            return .json(["opd": agency.json])
        }
        routes.add("GET", "/api/v1/admin/opds/{code}/members") { request in
            _ = try RouteSupport.adminRead(request)
            let code = request.params["code"] ?? ""
            guard try auth.agencies.get(code) != nil else { throw KlikError.notFound("OPD tidak ditemukan / no such OPD") }
            let members = try auth.agencies.members(code).compactMap { try auth.users.user($0) }
            return .json(["members": .array(members.map(\.json))])
        }
        routes.add("POST", "/api/v1/admin/opds/{code}/members") { request in
            let caller = try RouteSupport.adminWrite(request)
            let code = request.params["code"] ?? ""
            guard try auth.agencies.get(code) != nil else { throw KlikError.notFound("OPD tidak ditemukan / no such OPD") }
            let target = try AdminUserRoutes.user(auth, try BodyFields(request).string("user_id"))
            try auth.agencies.addMember(code, userId: target.id)
            auth.authenticator.invalidate(userId: target.id)
            auth.record(caller.actor, "opd.member_add", "opd:" + code, ["user": .string(target.id)], request.clientAddress)
            return .json(["user": try AdminUserRoutes.user(auth, target.id).json])
        }
        routes.add("DELETE", "/api/v1/admin/opds/{code}/members/{user}") { request in
            let caller = try RouteSupport.adminWrite(request)
            let code = request.params["code"] ?? "", userId = request.params["user"] ?? ""
            try auth.agencies.removeMember(code, userId: userId)
            auth.authenticator.invalidate(userId: userId)
            auth.record(caller.actor, "opd.member_remove", "opd:" + code, ["user": .string(userId)], request.clientAddress)
            return .json(["ok": true])
        }
    }

    static func parse(_ request: HTTPRequest, code given: String?) throws(KlikError) -> Agency {
        let body = try BodyFields(request)
        let code: String
        if let given { code = given } else { code = try body.string("code", max: 20) }
        guard AgencyStore.isValidCode(code) else {
            throw KlikError.badRequest("Kode OPD: 2–20 huruf besar, angka, '-' atau '_' / OPD code: 2–20 upper-case letters, digits, '-' or '_'", code: "invalid_field")
        }
        guard let name = body.object["name"]?.objectValue, let id = name["id"]?.stringValue, let en = name["en"]?.stringValue,
              !id.isEmpty, !en.isEmpty, id.count <= 200, en.count <= 200 else {
            throw KlikError.badRequest("Kolom 'name' harus {\"id\": ..., \"en\": ...} / field 'name' must be {\"id\": ..., \"en\": ...}", code: "invalid_field")
        }
        return Agency(code: code, nameId: id, nameEn: en)
    }
}
