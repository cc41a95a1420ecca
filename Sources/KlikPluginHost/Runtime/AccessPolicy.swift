import KlikAuth
import KlikCore
import KlikLua

/// Decides `routes[].access` for a caller before plugin code runs.
/// - `public`: anyone; `user`: any signed-in user (API keys are not users);
/// - `roles([...])`: a user holding at least one of the roles;
/// - `opdMember`: a `petugas` or `kepala_opd` who belongs to at least one OPD. Which OPD's data a
///   member may see is the plugin's business: `req.user.opds` lists them.
/// Anonymous callers of a protected route get 401; signed-in callers who are not allowed, 403.
public enum AccessPolicy {
    public static func check(_ rule: AccessRule, _ caller: Caller?) throws(KlikError) {
        if rule == .public { return }
        guard let caller else { throw KlikError.unauthenticated() }
        guard allows(rule, caller) else { throw KlikError.forbidden() }
    }

    public static func allows(_ rule: AccessRule, _ caller: Caller?) -> Bool {
        switch rule {
        case .public: return true
        case .user: return caller?.user != nil
        case .roles(let names): return caller.map { c in c.roles.contains { names.contains($0.rawValue) } } ?? false
        case .opdMember: return caller?.isOPDMember ?? false
        }
    }

    /// `req.api_key` for integration callers: `{id, name, scopes = {...}}` — never the key.
    static func luaAPIKey(_ caller: Caller?) -> LuaValue {
        guard case .apiKey(let id, let name, let scopes) = caller?.credential else { return .nil_ }
        return .table(["id": .string(id), "name": .string(name), "scopes": scopes.isEmpty ? .table([:]) : .array(scopes.map { .string($0) })])
    }

    /// `req.user` as plugins see it: `{id, name, roles = {...}, opds = {...}}` — never credentials.
    static func luaUser(_ caller: Caller?) -> LuaValue {
        guard let user = caller?.user else { return .nil_ }
        return .table([
            "id": .string(user.id), "name": .string(user.name),
            "roles": user.roles.isEmpty ? .table([:]) : .array(user.roles.map { .string($0.rawValue) }),
            "opds": user.opds.isEmpty ? .table([:]) : .array(user.opds.map { .string($0) }),
        ])
    }
}
