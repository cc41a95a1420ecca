#if canImport(Glibc)
import Glibc
#endif
import KlikCore

/// Parses `multipart/form-data` (RFC 7578 on RFC 2046 framing) from a complete body held in
/// memory. Hostile input is bounded: the delimiter is searched with `memchr` and `memcmp` (linear), part
/// headers and counts are capped before anything is kept, and every failure is a clear 400/413.
struct MultipartParser {
    let delimiter: [UInt8] // "--" + boundary
    let limits: MultipartLimits

    init(boundary: String, limits: MultipartLimits) {
        delimiter = Array("--\(boundary)".utf8)
        self.limits = limits
    }

    /// The `boundary` parameter of a multipart/form-data Content-Type: 1–70 characters of the
    /// RFC 2046 set (not ending in a space), quoted or not. nil when absent or invalid.
    static func boundary(fromContentType header: String) -> String? {
        let params = HeaderParameters(header)
        guard params.value.lowercased() == "multipart/form-data", let b = params["boundary"] else { return nil }
        guard (1...70).contains(b.utf8.count), b.utf8.last != 0x20,
              b.utf8.allSatisfy({ boundaryBytes.contains($0) }) else { return nil }
        return b
    }

    private static let boundaryBytes: Set<UInt8> = Set(Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ".utf8))

    func parse(_ body: [UInt8]) throws(KlikError) -> MultipartForm {
        var form = MultipartForm()
        var fieldsTotal = 0
        var parts = 0
        // The first delimiter: at the very start, or after a preamble on its own line.
        var position: Int
        if starts(body, at: 0, with: delimiter) {
            position = delimiter.count
        } else if let found = find([0x0D, 0x0A] + delimiter, in: body, from: 0) {
            position = found + 2 + delimiter.count
        } else {
            throw MultipartParser.malformed("tidak ada pembatas awal", "no opening boundary delimiter")
        }
        while true {
            // After a delimiter: "--" closes the body (the epilogue is ignored); otherwise
            // optional spaces and CRLF, then the part's headers.
            if starts(body, at: position, with: [0x2D, 0x2D]) { return form }
            while position < body.count, body[position] == 0x20 || body[position] == 0x09 { position += 1 }
            guard starts(body, at: position, with: [0x0D, 0x0A]) else {
                if position >= body.count { throw MultipartParser.truncated(nil) }
                throw MultipartParser.malformed("pembatas tidak diikuti baris baru", "boundary delimiter not followed by a line break")
            }
            position += 2
            parts += 1
            if parts > limits.parts {
                throw KlikError(status: 413, code: "too_many_parts",
                                message: "Terlalu banyak bagian multipart (paling banyak \(limits.parts)) / too many multipart parts (at most \(limits.parts))")
            }
            let head = try headers(body, from: position)
            let contentStart = head.end
            guard let next = find([0x0D, 0x0A] + delimiter, in: body, from: contentStart) else {
                throw MultipartParser.truncated(head.disposition.name)
            }
            let data = body[contentStart..<next]
            let name = head.disposition.name
            if let filename = head.disposition.filename {
                // A browser sends an empty, nameless file part for a file input left empty.
                if !(filename.isEmpty && data.isEmpty) {
                    if data.count > limits.fileBytes {
                        throw KlikError(status: 413, code: "file_too_large",
                                        message: "Berkas '\(name)' melebihi \(MultipartParser.size(limits.fileBytes)) / file '\(name)' exceeds \(MultipartParser.size(limits.fileBytes))")
                    }
                    form.files.append(MultipartFile(field: name, filename: filename, declaredType: head.contentType ?? "application/octet-stream", data: data))
                }
            } else {
                if data.count > limits.fieldBytes {
                    throw KlikError(status: 413, code: "field_too_large",
                                    message: "Isian '\(name)' melebihi \(MultipartParser.size(limits.fieldBytes)) / field '\(name)' exceeds \(MultipartParser.size(limits.fieldBytes))")
                }
                fieldsTotal += data.count
                if fieldsTotal > limits.fieldsTotalBytes {
                    throw KlikError(status: 413, code: "fields_too_large",
                                    message: "Isian teks bersama melebihi \(MultipartParser.size(limits.fieldsTotalBytes)) / text fields together exceed \(MultipartParser.size(limits.fieldsTotalBytes))")
                }
                guard let text = String(validating: data, as: UTF8.self) else {
                    throw KlikError.badRequest("Isian '\(name)' bukan teks UTF-8 yang sah / field '\(name)' is not valid UTF-8 text", code: "invalid_multipart")
                }
                form.fields.append((name, text))
            }
            position = next + 2 + delimiter.count
        }
    }

    struct PartHead {
        var disposition: (name: String, filename: String?)
        var contentType: String?
        var end: Int
    }

    /// The part's header block up to the blank line; needs a `Content-Disposition: form-data`
    /// with a `name`.
    private func headers(_ body: [UInt8], from start: Int) throws(KlikError) -> PartHead {
        let window = min(body.count, start + limits.partHeaderBytes + 4)
        var end: Int
        if starts(body, at: start, with: [0x0D, 0x0A]) {
            end = start // no headers at all
        } else if let found = find([0x0D, 0x0A, 0x0D, 0x0A], in: body, from: start, before: window) {
            end = found + 2
        } else if window == body.count {
            throw MultipartParser.truncated(nil)
        } else {
            throw KlikError(status: 413, code: "part_headers_too_large",
                            message: "Header bagian multipart melebihi \(MultipartParser.size(limits.partHeaderBytes)) / multipart part headers exceed \(MultipartParser.size(limits.partHeaderBytes))")
        }
        guard let text = String(validating: body[start..<end], as: UTF8.self) else {
            throw MultipartParser.malformed("header bagian bukan UTF-8", "part headers are not valid UTF-8")
        }
        var disposition: HeaderParameters?
        var contentType: String?
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else {
                throw MultipartParser.malformed("baris header tanpa ':'", "part header line without ':'")
            }
            let value = String(line[line.index(after: colon)...])
            switch line[..<colon].trimmingSpaces.lowercased() {
            case "content-disposition": disposition = HeaderParameters(value)
            case "content-type": contentType = HeaderParameters(value).value.lowercased()
            default: break
            }
        }
        guard let disposition, disposition.value.lowercased() == "form-data" else {
            throw MultipartParser.malformed("bagian tanpa Content-Disposition: form-data", "part without Content-Disposition: form-data")
        }
        guard let name = disposition["name"], !name.isEmpty, name.utf8.count <= 200,
              !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw MultipartParser.malformed("bagian tanpa nama isian yang sah", "part without a valid field name")
        }
        let filename = disposition["filename"].map(MultipartParser.baseName)
        return PartHead(disposition: (name, filename), contentType: contentType, end: end + 2)
    }

    /// The last path component, without control characters, at most 255 bytes: clients send
    /// `C:\Users\...\IMG_1.jpg` or `../../x`, and the name is only informational.
    static func baseName(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var clean = String(String.UnicodeScalarView(last.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
        while clean.utf8.count > 255 { clean.removeLast() }
        return clean == "." || clean == ".." ? "" : clean
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : bytes >= 1 << 10 && bytes % (1 << 10) == 0 ? "\(bytes >> 10) KiB" : "\(bytes) B"
    }

    static func malformed(_ id: String, _ en: String) -> KlikError {
        KlikError.badRequest("Badan multipart rusak: \(id) / malformed multipart body: \(en)", code: "invalid_multipart")
    }

    static func truncated(_ field: String?) -> KlikError {
        if let field {
            return KlikError.badRequest("Badan multipart terpotong pada isian '\(field)' / multipart body truncated in field '\(field)'", code: "invalid_multipart")
        }
        return KlikError.badRequest("Badan multipart terpotong / multipart body truncated", code: "invalid_multipart")
    }

    private func starts(_ body: [UInt8], at index: Int, with prefix: [UInt8]) -> Bool {
        guard index >= 0, index + prefix.count <= body.count else { return false }
        for i in 0..<prefix.count where body[index + i] != prefix[i] { return false }
        return true
    }

    /// The first index of `needle` in `body[from..<before]`. Linear: needles start with CR
    /// and a boundary cannot contain CR, so partial matches never overlap.
    private func find(_ needle: [UInt8], in body: [UInt8], from: Int, before: Int? = nil) -> Int? {
        let end = before ?? body.count
        guard from < end, end - from >= needle.count else { return nil }
        return body.withUnsafeBytes { hay in
            needle.withUnsafeBytes { n in
                let base = hay.baseAddress!
                var i = from
                let last = end - needle.count
                while i <= last {
                    guard let hit = memchr(base + i, Int32(needle[0]), last - i + 1) else { return nil }
                    let k = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + k, n.baseAddress!, n.count) == 0 { return k }
                    i = k + 1
                }
                return nil
            }
        }
    }
}

/// `value; key=token; key="quoted \"string\""` — a header value with parameters (keys lower-cased).
struct HeaderParameters {
    private(set) var value = ""
    private var params: [String: String] = [:]

    subscript(_ key: String) -> String? { params[key] }

    init(_ header: String) {
        let s = Array(header.unicodeScalars)
        var i = 0
        func skipSpaces() { while i < s.count, s[i] == " " || s[i] == "\t" { i += 1 } }
        var head = ""
        while i < s.count, s[i] != ";" { head.unicodeScalars.append(s[i]); i += 1 }
        value = head.trimmingSpaces
        while i < s.count {
            i += 1 // ';'
            skipSpaces()
            var key = ""
            while i < s.count, s[i] != "=", s[i] != ";" { key.unicodeScalars.append(s[i]); i += 1 }
            key = key.trimmingSpaces.lowercased()
            guard i < s.count, s[i] == "=" else { continue }
            i += 1
            skipSpaces()
            var v = ""
            if i < s.count, s[i] == "\"" {
                i += 1
                while i < s.count, s[i] != "\"" {
                    // `\"` and `\\` are escapes; any other backslash is literal (Windows paths).
                    if s[i] == "\\", i + 1 < s.count, s[i + 1] == "\"" || s[i + 1] == "\\" { i += 1 }
                    v.unicodeScalars.append(s[i])
                    i += 1
                }
                i += 1 // closing quote
                while i < s.count, s[i] != ";" { i += 1 }
            } else {
                while i < s.count, s[i] != ";" { v.unicodeScalars.append(s[i]); i += 1 }
                v = v.trimmingSpaces
            }
            // The first occurrence wins: a repeated parameter cannot override `name`.
            if !key.isEmpty, params[key] == nil { params[key] = v }
        }
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var scalars = Substring(self).unicodeScalars[...]
        while let f = scalars.first, f == " " || f == "\t" { scalars.removeFirst() }
        while let l = scalars.last, l == " " || l == "\t" { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
