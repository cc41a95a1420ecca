import Foundation
import KlikCore
import KlikStorage

/// Users in `klik_users` and their OPD memberships. The password hash is read only by
/// `credentials(for:)` and never leaves KlikAuth.
public struct UserStore: Sendable {
    public let database: Database
    public let clock: any Clock

    public init(database: Database, clock: any Clock) {
        self.database = database
        self.clock = clock
    }

    static let columns = "id, name, email, phone, roles, kecamatan, desa, disabled, created_at"

    /// Fields of a new account, already validated.
    public struct NewUser: Sendable {
        public var name: String
        public var email: String?
        public var phone: String?
        public var roles: [Role]
        public var kecamatan: String?
        public var desa: String?
        public init(name: String, email: String?, phone: String?, roles: [Role], kecamatan: String? = nil, desa: String? = nil) {
            self.name = name
            self.email = email
            self.phone = phone
            self.roles = roles
            self.kecamatan = kecamatan
            self.desa = desa
        }
    }

    /// Inserts a user; an e-mail or phone already in use is a 409.
    public func create(_ new: NewUser, passwordHash: String) throws -> User {
        let id = "u_" + Sodium.hex(Sodium.randomBytes(8))
        let now = Timestamp.iso8601(clock.now())
        do {
            _ = try database.write { c in
                try c.run("INSERT INTO klik_users (id, name, email, phone, password_hash, roles, kecamatan, desa, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                          [.text(id), .text(new.name), new.email.map { .text($0) } ?? .null, new.phone.map { .text($0) } ?? .null,
                           .text(passwordHash), .text(new.roles.map(\.rawValue).joined(separator: ",")),
                           new.kecamatan.map { .text($0) } ?? .null, new.desa.map { .text($0) } ?? .null, .text(now)])
            }
        } catch let error as StorageError where error.isConstraintViolation {
            throw KlikError.conflict("E-mail atau nomor telepon sudah terdaftar / e-mail or phone already registered", code: "account_exists")
        }
        return User(id: id, name: new.name, email: new.email, phone: new.phone, roles: new.roles, kecamatan: new.kecamatan,
                    desa: new.desa, disabled: false, createdAt: now, opds: [])
    }

    public func user(_ id: String) throws -> User? {
        try database.read { c in
            guard let row = try c.queryOne("SELECT \(UserStore.columns) FROM klik_users WHERE id = ?", [.text(id)]) else { return nil }
            return try UserStore.decode(row, opds: UserStore.opds(of: id, c))
        }
    }

    /// The user and password hash for a sign-in identifier (an e-mail or a phone number).
    public func credentials(for identifier: String) throws -> (user: User, hash: String)? {
        let column = identifier.contains("@") ? "email" : "phone"
        let key = identifier.contains("@") ? Identifiers.email(identifier) : Identifiers.phone(identifier)
        guard let key else { return nil }
        return try database.read { c in
            guard let row = try c.queryOne("SELECT \(UserStore.columns), password_hash FROM klik_users WHERE \(column) = ?", [.text(key)]) else { return nil }
            let user = try UserStore.decode(row, opds: UserStore.opds(of: row[0].string ?? "", c))
            return (user, row[9].string ?? "")
        }
    }

    public func passwordHash(_ id: String) throws -> String? {
        try database.read { c in try c.queryOne("SELECT password_hash FROM klik_users WHERE id = ?", [.text(id)])?[0].string }
    }

    public func setPasswordHash(_ id: String, _ hash: String) throws {
        _ = try database.write { c in try c.run("UPDATE klik_users SET password_hash = ? WHERE id = ?", [.text(hash), .text(id)]) }
    }

    public func setRoles(_ id: String, _ roles: [Role]) throws {
        _ = try database.write { c in
            try c.run("UPDATE klik_users SET roles = ? WHERE id = ?", [.text(roles.map(\.rawValue).joined(separator: ",")), .text(id)])
        }
    }

    public func setDisabled(_ id: String, _ disabled: Bool) throws {
        _ = try database.write { c in try c.run("UPDATE klik_users SET disabled = ? WHERE id = ?", [.integer(disabled ? 1 : 0), .text(id)]) }
    }

    /// Users matching all given filters (name/e-mail/phone substring, role, OPD), by name.
    public func search(text: String? = nil, role: Role? = nil, opd: String? = nil, limit: Int = 100) throws -> [User] {
        var sql = "SELECT \(UserStore.columns) FROM klik_users u WHERE 1 = 1"
        var params: [SQLValue] = []
        if let text, !text.isEmpty {
            sql += " AND (name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\' OR phone LIKE ? ESCAPE '\\')"
            let pattern = "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
            params += [.text(pattern), .text(pattern), .text(pattern)]
        }
        if let role {
            sql += " AND (',' || roles || ',') LIKE ?"
            params.append(.text("%," + role.rawValue + ",%"))
        }
        if let opd {
            sql += " AND EXISTS (SELECT 1 FROM klik_opd_members m WHERE m.user_id = u.id AND m.opd_code = ?)"
            params.append(.text(opd))
        }
        sql += " ORDER BY name, id LIMIT ?"
        params.append(.integer(Int64(max(1, min(limit, 1000)))))
        return try database.read { c in
            try c.query(sql, params).map { row in try UserStore.decode(row, opds: UserStore.opds(of: row[0].string ?? "", c)) }
        }
    }

    static func opds(of id: String, _ c: Connection) throws -> [String] {
        try c.query("SELECT opd_code FROM klik_opd_members WHERE user_id = ? ORDER BY opd_code", [.text(id)]).compactMap { $0[0].string }
    }

    static func decode(_ row: Row, opds: [String]) -> User {
        let roles = (row[4].string ?? "").split(separator: ",").compactMap { Role(rawValue: String($0)) }
        return User(id: row[0].string ?? "", name: row[1].string ?? "", email: row[2].string, phone: row[3].string, roles: roles,
                    kecamatan: row[5].string, desa: row[6].string, disabled: (row[7].int64 ?? 0) != 0,
                    createdAt: row[8].string ?? "", opds: opds)
    }
}

/// Normal forms of sign-in identifiers, so `Budi@Example.com` and `0812-3456-7890` match what
/// was registered.
public enum Identifiers {
    /// Trimmed and lower-cased; nil unless it looks like `a@b.c`.
    public static func email(_ raw: String) -> String? {
        let e = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = e.split(separator: "@", omittingEmptySubsequences: false)
        guard e.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !e.contains(" ") else { return nil }
        return e
    }

    /// Digits only, Indonesian form `62…` (a leading `0` or `+62` becomes `62`); nil unless 9–15 digits.
    public static func phone(_ raw: String) -> String? {
        let kept = raw.filter { !" -().".contains($0) }
        var digits = kept.hasPrefix("+") ? String(kept.dropFirst()) : kept
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        if digits.hasPrefix("0") { digits = "62" + digits.dropFirst() }
        guard (9...15).contains(digits.count) else { return nil }
        return digits
    }
}
