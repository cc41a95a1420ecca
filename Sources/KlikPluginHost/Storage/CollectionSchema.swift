import Foundation
import KlikCore
import KlikStorage

/// A plugin's collection as a SQLite table: `id`, `created_at`, `updated_at` and one column per
/// declared field. Schemas evolve additively: new fields become new columns, new indexes are
/// created, nothing is ever dropped; changing a field's type is refused.
struct CollectionSchema: Sendable {
    let plugin: String
    let spec: CollectionSpec
    let table: String
    let fieldsByName: [String: FieldSpec]
    /// Whether any field is stored differently from how Lua sees it (booleans as 0/1, JSON as text).
    let hasBooleanOrJSON: Bool
    /// Fields that may be filtered and sorted on: `id`, timestamps and every indexed field.
    let queryable: Set<String>
    /// SQL built once per schema rather than per call (the statement cache is keyed by this text).
    let selectByIdSQL: String
    let deleteByIdSQL: String

    init(plugin: String, spec: CollectionSpec) {
        self.plugin = plugin
        self.spec = spec
        table = CollectionSchema.quote("plugin/\(plugin)/\(spec.name)")
        fieldsByName = Dictionary(uniqueKeysWithValues: spec.fields.map { ($0.name, $0) })
        hasBooleanOrJSON = spec.fields.contains { $0.type == .boolean || $0.type == .json }
        var q: Set<String> = ["id", "created_at", "updated_at"]
        for index in spec.indexes { q.formUnion(index.fields) }
        queryable = q
        selectByIdSQL = "SELECT * FROM \(table) WHERE id = ?"
        deleteByIdSQL = "DELETE FROM \(table) WHERE id = ?"
    }

    static func quote(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    static func sqlType(_ type: FieldType) -> String {
        switch type {
        case .string, .text, .datetime, .json: "TEXT"
        case .integer, .boolean: "INTEGER"
        case .number: "REAL"
        }
    }

    /// Creates or extends the table and its indexes. Answers true when the table is new.
    func ensure(on c: Connection) throws -> Bool {
        let existing = try c.query("SELECT name, type FROM pragma_table_info(?)", [.text("plugin/\(plugin)/\(spec.name)")])
        var created = false
        if existing.isEmpty {
            var columns = ["id INTEGER PRIMARY KEY", "created_at TEXT NOT NULL", "updated_at TEXT NOT NULL"]
            for field in spec.fields { columns.append("\(CollectionSchema.quote(field.name)) \(CollectionSchema.sqlType(field.type))") }
            try c.execute("CREATE TABLE \(table) (\(columns.joined(separator: ", ")))")
            created = true
        } else {
            let types = Dictionary(existing.map { ($0[0].string ?? "", $0[1].string ?? "") }, uniquingKeysWith: { a, _ in a })
            for field in spec.fields {
                let wanted = CollectionSchema.sqlType(field.type)
                if let have = types[field.name] {
                    if have.uppercased() != wanted {
                        throw KlikError(status: 500, code: "schema",
                            message: "collection \(spec.name): field '\(field.name)' changed type (\(have) → \(wanted)); add a new field instead")
                    }
                } else {
                    try c.execute("ALTER TABLE \(table) ADD COLUMN \(CollectionSchema.quote(field.name)) \(wanted)")
                }
            }
        }
        for index in spec.indexes {
            let name = CollectionSchema.quote("plugin/\(plugin)/\(spec.name)/" + index.fields.joined(separator: ",") + (index.unique ? "/unique" : ""))
            let columns = index.fields.map(CollectionSchema.quote).joined(separator: ", ")
            try c.execute("CREATE \(index.unique ? "UNIQUE " : "")INDEX IF NOT EXISTS \(name) ON \(table) (\(columns))")
        }
        return created
    }
}
