import Foundation
import KlikCore
import KlikLua
import KlikStorage

/// Turns `klik.db.find` options into SQL over indexed fields, with keyset (cursor) pagination on
/// `(order field, id)` so pages stay stable while records are added.
struct QueryBuilder {
    let schema: CollectionSchema
    private(set) var conditions: [String] = []
    private(set) var values: [SQLValue] = []
    private(set) var orderField = "id"
    private(set) var descending = false
    private(set) var limit = CollectionStore.defaultLimit

    static let operators: [String: String] = ["eq": "=", "ne": "!=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="]

    init(schema: CollectionSchema, options: LuaValue, forCount: Bool) throws {
        self.schema = schema
        guard let opts = options.tableEntries ?? (options.isNil ? [:] : nil) else {
            throw LuaHostError("options must be a table")
        }
        for key in opts.keys where !["where", "order", "limit", "after"].contains(key) {
            throw LuaHostError("unknown option '\(key)' (use where, order, limit, after)")
        }
        if let filters = opts["where"], !filters.isNil {
            guard let entries = filters.tableEntries else { throw LuaHostError("where must be a table") }
            for (field, condition) in entries.sorted(by: { $0.key < $1.key }) { try addFilter(field, condition) }
        }
        if let order = opts["order"]?.stringValue {
            descending = order.hasPrefix("-")
            orderField = descending ? String(order.dropFirst()) : order
            try requireQueryable(orderField, "sort on")
        }
        if let l = opts["limit"], !l.isNil {
            guard let n = l.intValue, n >= 1, n <= Int64(CollectionStore.maxLimit) else {
                throw LuaHostError("limit must be an integer from 1 to \(CollectionStore.maxLimit)")
            }
            limit = Int(n)
        }
        if !forCount, let after = opts["after"], !after.isNil {
            guard let text = after.stringValue else { throw LuaHostError("after must be a cursor string from a previous page") }
            try addCursor(text)
        }
    }

    private func requireQueryable(_ field: String, _ verb: String) throws {
        guard schema.queryable.contains(field) else {
            if schema.fieldsByName[field] == nil && !["id", "created_at", "updated_at"].contains(field) {
                throw LuaHostError("unknown field '\(field)' in collection '\(schema.spec.name)'")
            }
            throw LuaHostError("field '\(field)' of collection '\(schema.spec.name)' is not indexed; declare an index to \(verb) it")
        }
    }

    private func sqlValue(_ value: LuaValue, field: String) throws -> SQLValue {
        switch field {
        case "id":
            guard let i = value.intValue else { throw LuaHostError("id must be an integer") }
            return .integer(i)
        case "created_at", "updated_at":
            guard let s = value.stringValue else { throw LuaHostError("\(field) must be a string") }
            return .text(s)
        default:
            do { return try RecordCodec(schema: schema).sqlValue(value, for: field) } catch { throw LuaHostError(error.message) }
        }
    }

    private mutating func addFilter(_ field: String, _ condition: LuaValue) throws {
        try requireQueryable(field, "filter on")
        let column = CollectionSchema.quote(field)
        guard case .table(let ops) = condition else {
            conditions.append("\(column) = ?")
            values.append(try sqlValue(condition, field: field))
            return
        }
        for (op, operand) in ops.sorted(by: { $0.key < $1.key }) {
            if let sqlOp = QueryBuilder.operators[op] {
                conditions.append("\(column) \(sqlOp) ?")
                values.append(try sqlValue(operand, field: field))
            } else if op == "in" {
                guard case .array(let items) = operand, !items.isEmpty, items.count <= 100 else {
                    throw LuaHostError("'in' needs a list of 1 to 100 values")
                }
                conditions.append("\(column) IN (\(Array(repeating: "?", count: items.count).joined(separator: ", ")))")
                for item in items { values.append(try sqlValue(item, field: field)) }
            } else if op == "prefix" {
                guard let p = operand.stringValue else { throw LuaHostError("'prefix' needs a string") }
                conditions.append("substr(\(column), 1, ?) = ?")
                values.append(.integer(Int64(p.utf8.count)))
                values.append(.text(p))
            } else if op == "null" {
                guard case .bool(let isNull) = operand else { throw LuaHostError("'null' needs true or false") }
                conditions.append("\(column) IS \(isNull ? "" : "NOT ")NULL")
            } else {
                throw LuaHostError("unknown operator '\(op)' (use eq, ne, lt, lte, gt, gte, in, prefix, null)")
            }
        }
    }

    /// Rows after `(value, id)` in the current order; NULLs sort first ascending, last descending.
    private mutating func addCursor(_ text: String) throws {
        guard let data = Data(base64Encoded: text), let json = try? JSONParser.parse([UInt8](data)),
              case .array(let parts) = json, parts.count == 3, parts[0].stringValue == orderField + (descending ? "-" : "+"),
              let lastId = parts[2].int64Value else {
            throw LuaHostError("after: not a cursor of this query (cursors come from the 'next' of a previous page with the same order)")
        }
        let column = CollectionSchema.quote(orderField)
        let idCol = orderField == "id" ? nil : column
        guard let column = idCol else {
            conditions.append(descending ? "id < ?" : "id > ?")
            values.append(.integer(lastId))
            return
        }
        let last = parts[1]
        if last == .null {
            conditions.append(descending ? "(\(column) IS NULL AND id < ?)" : "((\(column) IS NULL AND id > ?) OR \(column) IS NOT NULL)")
            values.append(.integer(lastId))
        } else {
            // A row value, so SQLite seeks the index (which ends in the rowid `id`) to the cursor
            // instead of scanning from the first row: deep pages cost what the first page costs.
            let v = try sqlValue(LuaJSON.lua(last), field: orderField)
            if descending {
                // NULLs sort last descending; the timestamps are never NULL.
                let nullable = orderField != "created_at" && orderField != "updated_at"
                conditions.append(nullable ? "((\(column), id) < (?, ?) OR \(column) IS NULL)" : "(\(column), id) < (?, ?)")
            } else {
                conditions.append("(\(column), id) > (?, ?)")
            }
            values.append(contentsOf: [v, .integer(lastId)])
        }
    }

    var whereClause: String { conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ") }

    var orderClause: String {
        let dir = descending ? "DESC" : "ASC"
        return orderField == "id" ? "ORDER BY id \(dir)" : "ORDER BY \(CollectionSchema.quote(orderField)) \(dir), id \(dir)"
    }

    func cursor(after row: Row) -> String {
        let value: JSONValue
        switch row[orderField] {
        case .null: value = .null
        case .integer(let i): value = schema.fieldsByName[orderField]?.type == .boolean ? .bool(i != 0) : .integer(i)
        case .real(let d): value = .number(d)
        case .text(let s): value = .string(s)
        case .blob: value = .null
        }
        let json: JSONValue = .array([.string(orderField + (descending ? "-" : "+")), value, .integer(row["id"].int64 ?? 0)])
        return Data(JSONWriter.bytes(json)).base64EncodedString()
    }
}
