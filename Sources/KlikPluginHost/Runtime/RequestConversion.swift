import Foundation
import KlikCore
import KlikHTTP
import KlikLua

/// Builds the request table a handler receives.
enum RequestConversion {
    /// `{method, path, params, query, headers, body, files, user, request_id}`; `path` is relative
    /// to the plugin's mount point. JSON, form and multipart bodies are decoded; a malformed body
    /// is a 400. Written straight into the bridge format as the handler's one argument (no
    /// `LuaValue` tables for the request itself). Also answers the uploaded files that
    /// `files[i].handle` names.
    static func arguments(_ request: HTTPRequest, pluginPrefix: String, user: LuaValue = .nil_,
                          apiKey: LuaValue = .nil_) throws -> (arguments: LuaValueWriter, uploads: [MultipartFile]) {
        let multipart = request.contentType == "multipart/form-data"
        var body: LuaValue?
        var uploads: [MultipartFile] = []
        if multipart {
            let form = try request.multipartForm()
            body = FormDecoding.table(form.fields)
            uploads = form.files
        } else {
            body = try self.body(request)
        }
        var out = LuaValueWriter(values: 1)
        out.table(count: 6 + (user.isNil ? 0 : 1) + (apiKey.isNil ? 0 : 1) + (body == nil ? 0 : 1) + (multipart ? 1 : 0))
        out.write("method"); out.write(request.method)
        let path = String(request.path.dropFirst(pluginPrefix.count))
        out.write("path"); out.write(path.isEmpty ? "/" : path)
        out.write("params")
        out.table(count: request.params.count)
        for (k, v) in request.params { out.write(k); out.write(v) }
        out.write("query")
        var open = out.beginTable(), n = 0
        for (k, v) in request.query where k != "api_key" { out.write(k); out.write(v); n += 1 }
        out.end(open, count: n)
        out.write("headers")
        open = out.beginTable(); n = 0
        for (k, v) in request.headers where !sensitiveHeaders.contains(k) { out.write(k); out.write(v); n += 1 }
        out.end(open, count: n)
        out.write("request_id"); out.write(request.requestId)
        if !user.isNil { out.write("user"); out.write(user) }
        if !apiKey.isNil { out.write("api_key"); out.write(apiKey) }
        if let body { out.write("body"); out.write(body) }
        if multipart {
            out.write("files")
            out.write(LuaValue.array(uploads.enumerated().map { i, f in
                .table(["field": .string(f.field), "filename": .string(f.filename), "content_type": .string(f.declaredType),
                        "size": .integer(Int64(f.size)), "handle": .string("upload-\(i + 1)")])
            }))
        }
        return (out, uploads)
    }

    /// Credentials stay with the kernel (also `api_key` query and form parameters, which Open311
    /// clients use); plugins get the authenticated `user` or `api_key` description instead.
    static let sensitiveHeaders: Set<String> = ["authorization", "cookie", "x-api-key"]

    static func body(_ request: HTTPRequest) throws -> LuaValue? {
        guard !request.body.isEmpty else { return nil }
        switch request.contentType {
        case "application/json":
            return LuaJSON.lua(try request.jsonBody())
        case "application/x-www-form-urlencoded":
            return FormDecoding.table(FormDecoding.pairs(request.body))
        default:
            if let text = String(validating: request.body, as: UTF8.self) { return .string(text) }
            return .bytes(request.body)
        }
    }
}

/// `application/x-www-form-urlencoded` decoding.
public enum FormDecoding {
    /// Later keys win.
    public static func decode(_ body: [UInt8]) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in pairs(body) { result[key] = value }
        return result
    }

    /// Every `key=value` in body order.
    public static func pairs(_ body: [UInt8]) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        for pair in body.split(separator: UInt8(ascii: "&")) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecode(parts[0])
            if !key.isEmpty { result.append((key, parts.count > 1 ? percentDecode(parts[1]) : "")) }
        }
        return result
    }

    /// A handler's `req.body` for form fields (url-encoded or multipart): a name ending in `[]`
    /// (`attribute[dampak][]=a&attribute[dampak][]=b`) is a list of its values in body order; for
    /// any other name the later value wins. `api_key` stays with the kernel.
    static func table(_ fields: [(name: String, value: String)]) -> LuaValue {
        var single: [String: LuaValue] = [:]
        var lists: [String: [LuaValue]] = [:]
        for (name, value) in fields where name != "api_key" {
            if name.hasSuffix("[]") { lists[name, default: []].append(.string(value)) } else { single[name] = .string(value) }
        }
        for (name, values) in lists { single[name] = .array(values) }
        return .table(single)
    }

    static func percentDecode(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "+") {
                out.append(0x20)
            } else if b == UInt8(ascii: "%"), i + 2 < bytes.endIndex + 0, i + 2 <= bytes.endIndex - 1,
                      let hi = hex(bytes[i + 1]), let lo = hex(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 2
            } else {
                out.append(b)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }
}

/// Turns a handler's response table into an HTTP response.
enum ResponseConversion {
    struct Invalid: Error { let message: String }

    /// Headers the kernel owns; a plugin cannot set them.
    static let reservedHeaders: Set<String> = ["content-length", "transfer-encoding", "connection", "x-request-id", "set-cookie", "date"]

    /// `serveFile` answers a stored file's response for `{file = id}` (nil when the plugin has no
    /// `files` permission).
    static func response(_ value: LuaValue, serveFile: ((String) -> HTTPResponse)? = nil) throws(Invalid) -> HTTPResponse {
        guard case .table(let t) = value else { throw Invalid(message: "handler must return a table like {status = 200, json = {...}}") }
        var status = 200
        if let s = t["status"] {
            guard let code = s.intValue, (100...599).contains(code) else { throw Invalid(message: "status must be an integer from 100 to 599") }
            status = Int(code)
        }
        var response: HTTPResponse
        if let file = t["file"] {
            guard let serveFile else { throw Invalid(message: "file needs the permission files") }
            guard let id = file.stringValue else { throw Invalid(message: "file must be a file id (a string)") }
            response = serveFile(id)
            if status != 200 && response.status == 200 { response.status = status }
        } else if let json = t["json"] {
            response = HTTPResponse(status: status, headers: [("Content-Type", "application/json; charset=utf-8")], body: LuaJSON.bytes(json))
        } else if let text = t["text"] {
            guard let s = text.stringValue else { throw Invalid(message: "text must be a string") }
            response = .text(s, status: status)
        } else if let html = t["html"] {
            guard let s = html.stringValue else { throw Invalid(message: "html must be a string") }
            response = .text(s, status: status, contentType: "text/html; charset=utf-8")
        } else {
            response = HTTPResponse(status: status)
        }
        if let headers = t["headers"] {
            guard case .table(let h) = headers else { throw Invalid(message: "headers must be a table of strings") }
            for (name, v) in h.sorted(by: { $0.key < $1.key }) {
                guard let text = v.stringValue, !text.contains("\r"), !text.contains("\n"), !name.contains(":") else {
                    throw Invalid(message: "header '\(name)' must be a single-line string")
                }
                let lower = name.lowercased()
                guard !reservedHeaders.contains(lower) else { throw Invalid(message: "header '\(name)' is set by the kernel") }
                // A stored file keeps the type sniffed from its bytes.
                if lower == "content-type", response.file != nil { continue }
                if lower == "content-type" || lower == "cache-control" { response.headers.removeAll { $0.0.lowercased() == lower } }
                response.headers.append((name, text))
            }
        }
        return response
    }
}
