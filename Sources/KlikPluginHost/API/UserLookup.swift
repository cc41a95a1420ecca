import KlikAuth
import KlikCore
import KlikLua

/// `klik.users.get(id)`, `klik.users.find({role=, opd=, q=, limit=})` and `klik.opd.list()` for
/// plugins with `users:read`. Answers public profile fields only — never hashes, tokens or
/// sessions (the stores do not even hand those out).
enum UserLookup {
    static func functions(users: UserStore, agencies: AgencyStore) -> [String: LuaHostFunction] {
        [
            "get": { args in
                guard let id = args.first?.stringValue else { throw LuaHostError("klik.users.get: a user id (string) expected") }
                guard let user = try? users.user(id) else { return [.nil_] }
                return [lua(user)]
            },
            "find": { args in
                var role: Role?
                var opd: String?
                var text: String?
                var limit = 100
                if let first = args.first, !first.isNil {
                    guard case .table(let filter) = first else { throw LuaHostError("klik.users.find: a filter table expected") }
                    if let r = filter["role"] {
                        guard let name = r.stringValue, let parsed = Role(rawValue: name) else {
                            throw LuaHostError("klik.users.find: role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                        }
                        role = parsed
                    }
                    opd = filter["opd"]?.stringValue
                    text = filter["q"]?.stringValue
                    if let l = filter["limit"]?.intValue { limit = Int(max(1, min(l, 500))) }
                }
                guard let found = try? users.search(text: text, role: role, opd: opd, limit: limit) else {
                    throw LuaHostError("klik.users.find: lookup failed")
                }
                return [.array(found.map(lua))]
            },
            "opd_list": { _ in
                guard let list = try? agencies.list() else { throw LuaHostError("klik.opd.list: lookup failed") }
                return [.array(list.map { a in
                    .table(["code": .string(a.code), "name": .table(["id": .string(a.nameId), "en": .string(a.nameEn)])])
                })]
            },
        ]
    }

    /// A user's public profile for plugins (no e-mail or phone either: contact goes through notify).
    static func lua(_ user: User) -> LuaValue {
        .table([
            "id": .string(user.id), "name": .string(user.name), "disabled": .bool(user.disabled),
            "roles": .array(user.roles.map { .string($0.rawValue) }),
            "opds": .array(user.opds.map { .string($0) }),
        ])
    }
}
