import Foundation
import KlikCore
import KlikLua
import KlikStorage

/// `klik.db` for one plugin: records in the plugin's own collections only. Writes outside a
/// transaction commit one by one; inside `klik.db.transaction` they share the caller's transaction.
final class CollectionStore: Sendable {
    let plugin: String
    let database: Database
    let clock: any Clock
    let schemas: [String: CollectionSchema]
    /// Called when a plugin names a collection that is not its own (audited by the owner).
    let onForeignAccess: @Sendable (String) -> Void

    static let defaultLimit = 50
    static let maxLimit = 500

    init(plugin: String, collections: [CollectionSpec], database: Database, clock: any Clock,
         onForeignAccess: @escaping @Sendable (String) -> Void) {
        self.plugin = plugin
        self.database = database
        self.clock = clock
        self.onForeignAccess = onForeignAccess
        schemas = Dictionary(uniqueKeysWithValues: collections.map { ($0.name, CollectionSchema(plugin: plugin, spec: $0)) })
    }

    func schema(_ name: LuaValue?) throws -> CollectionSchema {
        guard let name = name?.stringValue else { throw LuaHostError("collection name (a string) expected as first argument") }
        guard let schema = schemas[name] else {
            onForeignAccess(name)
            throw LuaHostError("collection '\(name)' is not declared by plugin \(plugin)")
        }
        return schema
    }

    private func reading<T>(_ tx: WriteTransaction?, _ body: (Connection) throws -> T) throws -> T {
        if let tx { return try body(tx.connection) }
        return try database.read(body)
    }

    private func writing<T>(_ tx: WriteTransaction?, _ body: (Connection) throws -> T) throws -> T {
        if let tx { return try body(tx.connection) }
        return try database.write(body)
    }

    private func now() -> String { Timestamp.iso8601(clock.now()) }

    func insert(_ args: [LuaValue], tx: WriteTransaction?) throws -> [LuaValue] {
        let schema = try schema(args.first)
        guard args.count > 1, let fields = args[1].tableEntries else { throw LuaHostError("insert: record (a table) expected as second argument") }
        let codec = RecordCodec(schema: schema)
        for field in schema.spec.fields where field.required && (fields[field.name]?.isNil ?? true) {
            throw LuaHostError("insert: field '\(field.name)' of collection '\(schema.spec.name)' is required")
        }
        var names = ["created_at", "updated_at"]
        let stamp = now()
        var values: [SQLValue] = [.text(stamp), .text(stamp)]
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) where name != "id" && name != "created_at" && name != "updated_at" {
            do { values.append(try codec.sqlValue(value, for: name)) } catch { throw LuaHostError("insert: " + error.message) }
            names.append(name)
        }
        let sql = "INSERT INTO \(schema.table) (\(names.map(CollectionSchema.quote).joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: names.count).joined(separator: ", "))) RETURNING *"
        let row = try writing(tx) { c in try c.queryOne(sql, values) }
        return [row.map(codec.record) ?? .nil_]
    }

    /// The record, or nil; written straight from the row into the bridge format.
    func get(_ args: [LuaValue], tx: WriteTransaction?) throws -> LuaValueWriter {
        let schema = try schema(args.first)
        guard args.count > 1, let id = args[1].intValue else { throw LuaHostError("get: id (an integer) expected as second argument") }
        let codec = RecordCodec(schema: schema)
        var out = LuaValueWriter(values: 1, capacity: 256)
        let found = try reading(tx) { c in
            try c.withFirstRow(schema.selectByIdSQL, [.integer(id)]) { row in codec.write(row, into: &out) }
        }
        if !found { out.writeNil() }
        return out
    }

    func update(_ args: [LuaValue], tx: WriteTransaction?) throws -> [LuaValue] {
        let schema = try schema(args.first)
        guard args.count > 2, let id = args[1].intValue, let changes = args[2].tableEntries else {
            throw LuaHostError("update: collection, id and changes (a table) expected")
        }
        let codec = RecordCodec(schema: schema)
        var sets = ["updated_at = ?"]
        var values: [SQLValue] = [.text(now())]
        for (name, value) in changes.sorted(by: { $0.key < $1.key }) where name != "id" && name != "created_at" && name != "updated_at" {
            if value.isNil, schema.fieldsByName[name]?.required == true {
                throw LuaHostError("update: field '\(name)' of collection '\(schema.spec.name)' is required")
            }
            do { values.append(try codec.sqlValue(value, for: name)) } catch { throw LuaHostError("update: " + error.message) }
            sets.append("\(CollectionSchema.quote(name)) = ?")
        }
        values.append(.integer(id))
        let sql = "UPDATE \(schema.table) SET \(sets.joined(separator: ", ")) WHERE id = ? RETURNING *"
        let row = try writing(tx) { c in try c.queryOne(sql, values) }
        return [row.map(codec.record) ?? .nil_]
    }

    func delete(_ args: [LuaValue], tx: WriteTransaction?) throws -> [LuaValue] {
        let schema = try schema(args.first)
        guard args.count > 1, let id = args[1].intValue else { throw LuaHostError("delete: id (an integer) expected as second argument") }
        let changed = try writing(tx) { c in try c.run(schema.deleteByIdSQL, [.integer(id)]) }
        return [.bool(changed > 0)]
    }

    func count(_ args: [LuaValue], tx: WriteTransaction?) throws -> [LuaValue] {
        let schema = try schema(args.first)
        let query = try QueryBuilder(schema: schema, options: args.count > 1 ? args[1] : .nil_, forCount: true)
        let n = try reading(tx) { c in try c.queryOne("SELECT count(*) FROM \(schema.table)\(query.whereClause)", query.values)?[0].int64 ?? 0 }
        return [.integer(n)]
    }

    /// `find(collection, {where=, order=, limit=, after=})` → `{items = {...}, next = cursor|nil}`.
    func find(_ args: [LuaValue], tx: WriteTransaction?) throws -> [LuaValue] {
        let schema = try schema(args.first)
        let query = try QueryBuilder(schema: schema, options: args.count > 1 ? args[1] : .nil_, forCount: false)
        let codec = RecordCodec(schema: schema)
        var rows: [Row] = []
        try reading(tx) { c in
            try c.forEach("SELECT * FROM \(schema.table)\(query.whereClause) \(query.orderClause) LIMIT \(query.limit + 1)", query.values) {
                rows.append($0)
                return true
            }
        }
        var result: [String: LuaValue] = [:]
        let more = rows.count > query.limit
        if more { rows.removeLast() }
        result["items"] = .array(rows.map(codec.record))
        if more, let last = rows.last { result["next"] = .string(query.cursor(after: last)) }
        return [.table(result)]
    }
}
