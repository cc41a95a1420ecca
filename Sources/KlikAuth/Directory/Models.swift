import KlikCore
import KlikHTTP

/// The roles the kernel knows (DOMAIN.md): citizens, agency officers and heads, district IT,
/// and the regent's office (reads everything, changes nothing operational).
public enum Role: String, Sendable, CaseIterable, Comparable {
    case warga, petugas
    case kepalaOPD = "kepala_opd"
    case admin, pimpinan

    public static func < (a: Role, b: Role) -> Bool { a.rawValue < b.rawValue }

    /// Parses a list of role names; nil when one is unknown.
    public static func parse(_ names: [String]) -> [Role]? {
        var out: [Role] = []
        for n in names {
            guard let r = Role(rawValue: n) else { return nil }
            if !out.contains(r) { out.append(r) }
        }
        return out.sorted()
    }
}

/// A person who can sign in. Never carries the password hash (that stays in `UserStore`).
public struct User: Sendable, Equatable {
    public var id: String
    public var name: String
    public var email: String?
    public var phone: String?
    public var roles: [Role]
    public var kecamatan: String?
    public var desa: String?
    public var disabled: Bool
    public var createdAt: String
    /// Codes of the OPDs the user is a member of.
    public var opds: [String]

    public func has(_ role: Role) -> Bool { roles.contains(role) }

    /// What the API shows about a user: no credentials of any kind.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(id), "name": .string(name),
            "roles": .array(roles.map { .string($0.rawValue) }), "opds": .array(opds.map { .string($0) }),
            "disabled": .bool(disabled), "created_at": .string(createdAt),
        ]
        if let email { o["email"] = .string(email) }
        if let phone { o["phone"] = .string(phone) }
        if let kecamatan { o["kecamatan"] = .string(kecamatan) }
        if let desa { o["desa"] = .string(desa) }
        return .object(o)
    }
}

/// An agency (Organisasi Perangkat Daerah), e.g. `DPUPR` — Dinas PUPR.
public struct Agency: Sendable, Equatable {
    public var code: String
    public var nameId: String
    public var nameEn: String

    public init(code: String, nameId: String, nameEn: String) {
        self.code = code
        self.nameId = nameId
        self.nameEn = nameEn
    }

    public var json: JSONValue { ["code": .string(code), "name": ["id": .string(nameId), "en": .string(nameEn)]] }
}

/// Who is calling: a signed-in user (session by bearer header or cookie) or an integration's
/// API key. Resolved by the kernel before any handler or plugin runs. A class: immutable,
/// shared from the session cache, and stored in `HTTPRequest.caller` without boxing.
public final class Caller: Sendable {
    public enum Credential: Sendable, Equatable {
        /// A session; `viaCookie` callers must send `X-CSRF-Token` on writes.
        case session(id: String, viaCookie: Bool, csrfDigest: String)
        case apiKey(id: String, name: String, scopes: [String])
    }

    /// The user; nil for API keys.
    public let user: User?
    public let credential: Credential

    public init(user: User?, credential: Credential) {
        self.user = user
        self.credential = credential
    }

    /// The audit-log actor: `user:<id>` or `apikey:<id>`.
    public var actor: String {
        switch credential {
        case .session: "user:" + (user?.id ?? "?")
        case .apiKey(let id, _, _): "apikey:" + id
        }
    }

    public var roles: [Role] { user?.roles ?? [] }
    public var opds: [String] { user?.opds ?? [] }
    public func has(_ role: Role) -> Bool { user?.has(role) ?? false }

    /// An OPD member: a `petugas` or `kepala_opd` who belongs to at least one OPD.
    public var isOPDMember: Bool { (has(.petugas) || has(.kepalaOPD)) && !opds.isEmpty }
}

extension KlikError {
    public static func unauthenticated(_ message: String = "Silakan masuk / sign-in required") -> KlikError {
        KlikError(status: 401, code: "unauthenticated", message: message)
    }
    public static func forbidden(_ message: String = "Anda tidak berhak / you are not allowed to do this") -> KlikError {
        KlikError(status: 403, code: "forbidden", message: message)
    }
    public static func conflict(_ message: String, code: String = "conflict") -> KlikError {
        KlikError(status: 409, code: code, message: message)
    }
}

extension HTTPRequest {
    /// The authenticated caller, if any (set by the kernel before handlers run).
    public var authCaller: Caller? { caller as? Caller }
}
