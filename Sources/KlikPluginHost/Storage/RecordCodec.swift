import KlikCore
import KlikLua
import KlikStorage

/// Checks Lua values against a collection's declared fields and converts them to and from SQLite.
struct RecordCodec {
    let schema: CollectionSchema

    struct Invalid: Error { let message: String }

    /// SQL value for one field; answers a message naming the field on a type mismatch.
    func sqlValue(_ value: LuaValue, for name: String) throws(Invalid) -> SQLValue {
        guard let field = schema.fieldsByName[name] else {
            throw Invalid(message: "unknown field '\(name)' in collection '\(schema.spec.name)'")
        }
        if value.isNil { return .null }
        switch field.type {
        case .string, .text, .datetime:
            guard let s = value.stringValue else { throw mismatch(name, field.type, value) }
            return .text(s)
        case .integer:
            guard let i = value.intValue else { throw mismatch(name, field.type, value) }
            return .integer(i)
        case .number:
            switch value {
            case .integer(let i): return .real(Double(i))
            case .number(let d): return .real(d)
            default: throw mismatch(name, field.type, value)
            }
        case .boolean:
            guard case .bool(let b) = value else { throw mismatch(name, field.type, value) }
            return .integer(b ? 1 : 0)
        case .json:
            return .text(JSONWriter.string(LuaJSON.json(value)))
        }
    }

    private func mismatch(_ name: String, _ type: FieldType, _ value: LuaValue) -> Invalid {
        Invalid(message: "field '\(name)' of collection '\(schema.spec.name)' must be \(type.rawValue), got \(RecordCodec.typeName(value))")
    }

    static func typeName(_ value: LuaValue) -> String {
        switch value {
        case .nil_: "nil"
        case .bool: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string, .bytes: "string"
        case .array, .table: "table"
        }
    }

    /// Lua value of a stored column.
    func luaValue(_ value: SQLValue, column: String) -> LuaValue {
        let type = schema.fieldsByName[column]?.type
        switch value {
        case .null: return .nil_
        case .integer(let i): return type == .boolean ? .bool(i != 0) : .integer(i)
        case .real(let d): return .number(d)
        case .text(let s):
            if type == .json, let parsed = try? JSONParser.parse(s) { return LuaJSON.lua(parsed) }
            return .string(s)
        case .blob(let b): return .bytes(b)
        }
    }

    /// Writes the row under the cursor as a record table straight into the bridge format (what
    /// `record` gives, without the intermediate values): the path of every `klik.db.get`.
    func write(_ row: RowCursor, into out: inout LuaValueWriter) {
        let open = out.beginTable()
        var n = 0
        let columns = row.columns
        for i in 0..<columns.count {
            let kind = row.kind(i)
            if kind == .null { continue }
            let column = columns[i]
            out.write(column)
            n += 1
            switch kind {
            case .integer:
                if schema.hasBooleanOrJSON, schema.fieldsByName[column]?.type == .boolean { out.write(row.int64(i) != 0) } else { out.write(row.int64(i)) }
            case .real: out.write(row.double(i))
            case .text:
                if schema.hasBooleanOrJSON, schema.fieldsByName[column]?.type == .json {
                    out.write(luaValue(row.value(i), column: column))
                } else {
                    out.write(row.bytes(i))
                }
            case .blob, .null: out.write(row.bytes(i))
            }
        }
        out.end(open, count: n)
    }

    func record(_ row: Row) -> LuaValue {
        var table: [String: LuaValue] = [:]
        table.reserveCapacity(row.columns.count)
        for (i, column) in row.columns.enumerated() {
            let v = luaValue(row.values[i], column: column)
            if !v.isNil { table[column] = v }
        }
        return .table(table)
    }
}
