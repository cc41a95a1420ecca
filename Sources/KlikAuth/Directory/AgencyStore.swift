import Foundation
import KlikCore
import KlikStorage

/// Agencies (OPD) in `klik_opd` and their members.
public struct AgencyStore: Sendable {
    public let database: Database
    public let clock: any Clock

    public init(database: Database, clock: any Clock) {
        self.database = database
        self.clock = clock
    }

    /// Codes are short upper-case identifiers such as `DPUPR`, `DINKES`.
    public static func isValidCode(_ code: String) -> Bool {
        (2...20).contains(code.count) && code.allSatisfy { ($0.isASCII && ($0.isUppercase || $0.isNumber)) || $0 == "_" || $0 == "-" }
    }

    public func create(_ agency: Agency) throws {
        do {
            _ = try database.write { c in
                try c.run("INSERT INTO klik_opd (code, name_id, name_en, created_at) VALUES (?, ?, ?, ?)",
                          [.text(agency.code), .text(agency.nameId), .text(agency.nameEn), .text(Timestamp.iso8601(clock.now()))])
            }
        } catch let error as StorageError where error.isConstraintViolation {
            throw KlikError.conflict("Kode OPD sudah ada / OPD code already exists", code: "opd_exists")
        }
    }

    /// Renames; false when no such OPD.
    public func update(_ agency: Agency) throws -> Bool {
        try database.write { c in
            try c.run("UPDATE klik_opd SET name_id = ?, name_en = ? WHERE code = ?", [.text(agency.nameId), .text(agency.nameEn), .text(agency.code)])
        } > 0
    }

    public func get(_ code: String) throws -> Agency? {
        try database.read { c in
            try c.queryOne("SELECT code, name_id, name_en FROM klik_opd WHERE code = ?", [.text(code)]).map(AgencyStore.decode)
        }
    }

    public func list() throws -> [Agency] {
        try database.read { c in try c.query("SELECT code, name_id, name_en FROM klik_opd ORDER BY code").map(AgencyStore.decode) }
    }

    public func addMember(_ code: String, userId: String) throws {
        _ = try database.write { c in
            try c.run("INSERT INTO klik_opd_members (opd_code, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING", [.text(code), .text(userId)])
        }
    }

    public func removeMember(_ code: String, userId: String) throws {
        _ = try database.write { c in
            try c.run("DELETE FROM klik_opd_members WHERE opd_code = ? AND user_id = ?", [.text(code), .text(userId)])
        }
    }

    public func members(_ code: String) throws -> [String] {
        try database.read { c in
            try c.query("SELECT user_id FROM klik_opd_members WHERE opd_code = ? ORDER BY user_id", [.text(code)]).compactMap { $0[0].string }
        }
    }

    static func decode(_ row: Row) -> Agency {
        Agency(code: row[0].string ?? "", nameId: row[1].string ?? "", nameEn: row[2].string ?? "")
    }
}
