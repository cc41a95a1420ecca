import Foundation
import KlikCore
import KlikLua
import KlikStorage

/// Loads a collection's seed CSV (header row = field names) when the collection is first created.
enum SeedLoader {
    struct Failure: Error { let message: String }

    static func load(_ file: URL, into schema: CollectionSchema, on c: Connection, now: String) throws {
        guard let data = FileManager.default.contents(atPath: file.path), let text = String(data: data, encoding: .utf8) else {
            throw Failure(message: "seed \(file.lastPathComponent): cannot be read as UTF-8 text")
        }
        let rows = CSV.parse(text)
        guard let header = rows.first else { return }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces) }
        for name in names where schema.fieldsByName[name] == nil {
            throw Failure(message: "seed \(file.lastPathComponent): column '\(name)' is not a field of collection '\(schema.spec.name)'")
        }
        let codec = RecordCodec(schema: schema)
        let columns = (["created_at", "updated_at"] + names).map(CollectionSchema.quote).joined(separator: ", ")
        let sql = "INSERT INTO \(schema.table) (\(columns)) VALUES (\(Array(repeating: "?", count: names.count + 2).joined(separator: ", ")))"
        for (lineIndex, row) in rows.dropFirst().enumerated() where !(row.count == 1 && row[0].isEmpty) {
            guard row.count == names.count else {
                throw Failure(message: "seed \(file.lastPathComponent) line \(lineIndex + 2): \(row.count) values for \(names.count) columns")
            }
            var values: [SQLValue] = [.text(now), .text(now)]
            for (i, raw) in row.enumerated() {
                let field = schema.fieldsByName[names[i]]!
                let lua: LuaValue
                switch field.type {
                case .integer: lua = raw.isEmpty ? .nil_ : Int64(raw).map { .integer($0) } ?? .string(raw)
                case .number: lua = raw.isEmpty ? .nil_ : Double(raw).map { .number($0) } ?? .string(raw)
                case .boolean: lua = raw.isEmpty ? .nil_ : .bool(["1", "true", "ya", "yes"].contains(raw.lowercased()))
                // Text stays text: an empty cell in a string column is "", not nil.
                default: lua = .string(raw)
                }
                do { values.append(try codec.sqlValue(lua, for: names[i])) } catch {
                    throw Failure(message: "seed \(file.lastPathComponent) line \(lineIndex + 2): \(error.message)")
                }
            }
            try c.run(sql, values)
        }
    }
}

/// RFC 4180 CSV: commas, double-quoted fields with "" escapes, CRLF or LF line ends.
enum CSV {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = text.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? chars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    let next = chars.next()
                    if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                } else {
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"": quoted = true
            case ",": row.append(field); field = ""
            case "\n", "\r\n":
                row.append(field); rows.append(row); row = []; field = ""
            case "\r": break
            default: field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
