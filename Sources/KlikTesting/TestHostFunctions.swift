import Foundation
import KlikCore
import KlikLua
import KlikPluginHost

/// Host functions behind the Lua test helpers: HTTP to the plugin's routes, the fake clock, logs.
enum TestHostFunctions {
    /// `callers` is shared by every test file of the plugin: they share one isolated kernel.
    static func make(id: String, kernel: TestKernel, callers: TestCallers) -> [String: LuaHostFunction] {
        let port = kernel.port
        let clock = kernel.clock
        let logs = kernel.logs
        return [
            "request": { args in
                guard args.count >= 2, let method = args[0].stringValue, let path = args[1].stringValue else {
                    throw LuaHostError("request(method, path, opts) expects two strings")
                }
                let opts = args.count > 2 ? (args[2].tableEntries ?? [:]) : [:]
                var target = "/api/v1/\(id)" + (path.hasPrefix("/") ? path : "/" + path)
                if let query = opts["query"]?.tableEntries, !query.isEmpty {
                    target += "?" + query.sorted { $0.key < $1.key }.map { "\(encode($0.key))=\(encode(text($0.value)))" }.joined(separator: "&")
                }
                var headers: [String: String] = [:]
                for (k, v) in opts["headers"]?.tableEntries ?? [:] { headers[k] = text(v) }
                if let caller = opts["as"] { headers["Authorization"] = "Bearer " + (try callers.token(for: caller)) }
                var body: [UInt8] = []
                if let json = opts["json"] {
                    body = JSONWriter.bytes(LuaJSON.json(json))
                    headers["Content-Type"] = headers["Content-Type"] ?? "application/json"
                } else if let multipart = opts["multipart"] {
                    let form = try multipartBody(multipart)
                    body = form.bytes
                    headers["Content-Type"] = form.contentType
                } else if let raw = opts["body"] {
                    if case .bytes(let b) = raw { body = b } else { body = Array(text(raw).utf8) }
                }
                let response: TestResponse
                do {
                    response = try TestConnection(port: port).request(method.uppercased(), target, headers: headers, body: body)
                } catch {
                    throw LuaHostError("request \(method) \(path) failed: \(error)")
                }
                var result: [String: LuaValue] = [
                    "status": .integer(Int64(response.status)),
                    "headers": .table(response.headers.mapValues { .string($0) }),
                    "text": .string(response.text),
                    "body": String(validating: response.body, as: UTF8.self).map { .string($0) } ?? .bytes(response.body),
                ]
                if response.header("content-type")?.hasPrefix("application/json") == true, let parsed = try? JSONParser.parse(response.body) {
                    result["json"] = LuaJSON.lua(parsed)
                }
                return [.table(result)]
            },
            "advance": { args in
                guard let seconds = args.first.flatMap({ v -> Double? in
                    if case .number(let d) = v { return d }
                    return v.intValue.map(Double.init)
                }) else { throw LuaHostError("clock.advance(seconds) expects a number") }
                clock.advance(by: seconds)
                return []
            },
            "now": { _ in [.number(clock.now().timeIntervalSince1970)] },
            "notifications": { [notifier = kernel.kernel.notifier] _ in
                let sent = (try? notifier.inbox.sent(by: id, limit: 1_000_000)) ?? [] // all of them: tests index into the list
                return [.array(sent.map(LuaJSON.lua))]
            },
            "set": { args in
                guard let t = args.first.flatMap({ v -> Double? in
                    if case .number(let d) = v { return d }
                    return v.intValue.map(Double.init)
                }) else { throw LuaHostError("clock.set(unix_seconds) expects a number") }
                clock.set(Date(timeIntervalSince1970: t))
                return []
            },
            "tick": { [timers = kernel.kernel.timers] _ in
                timers.tick()
                return []
            },
            "api_key": { args in
                let entries = args.first?.tableEntries ?? [:]
                let scopes = TestCallers.strings(entries["scopes"]) ?? []
                let name = entries["name"]?.stringValue ?? "Kunci uji"
                guard !scopes.isEmpty, scopes.allSatisfy({ !$0.isEmpty && !$0.contains(",") }) else {
                    throw LuaHostError("api_key{scopes = {\"open311:write\"}, name = \"...\"} expects a non-empty list of scope names")
                }
                return [.string(try callers.apiKey(name: name, scopes: scopes))]
            },
            "image": { args in
                switch args.first?.stringValue {
                case "jpeg": return [.bytes(TestImages.jpegWithGPS())]
                case "png": return [.bytes(TestImages.pngWithMetadata())]
                case "webp": return [.bytes(TestImages.webpWithExif())]
                case "html": return [.string(String(decoding: TestImages.htmlPretendingJPEG, as: UTF8.self))]
                default: throw LuaHostError("test_image(kind): kind is \"jpeg\", \"png\", \"webp\" or \"html\"")
                }
            },
            "inspect": { args in
                let bytes: [UInt8]
                switch args.first {
                case .bytes(let b): bytes = b
                case .string(let s): bytes = Array(s.utf8)
                default: throw LuaHostError("inspect_image(bytes) expects a string")
                }
                let p = ImageProbe(bytes)
                var t: [String: LuaValue] = ["type": .string(p.type), "exif": .bool(p.hasExif), "gps": .bool(p.hasGPS), "xmp": .bool(p.hasXMP),
                                             "text": .bool(p.hasText), "size": .integer(Int64(bytes.count)),
                                             "parts": p.parts.isEmpty ? .array([]) : .array(p.parts.map { .string($0) })]
                if let flags = p.webpFlags { t["webp_flags"] = .integer(Int64(flags)) }
                return [.table(t)]
            },
            "logs": { _ in
                let lines = logs.lines.filter { $0.contains("\"plugin\":\"\(id)\"") }
                return [lines.isEmpty ? .table([:]) : .array(lines.suffix(200).map { .string($0) })]
            },
        ]
    }

    /// `{fields = {name = value}, files = {{field =, filename =, content_type =, data =}}}`.
    static func multipartBody(_ v: LuaValue) throws -> MultipartBody {
        var form = MultipartBody()
        for (k, value) in (v["fields"]?.tableEntries ?? [:]).sorted(by: { $0.key < $1.key }) { form.fields.append((k, text(value))) }
        let files: [LuaValue]
        switch v["files"] {
        case .array(let list)?: files = list
        case nil, .nil_?: files = []
        case .table(let t)? where t.isEmpty: files = []
        default: throw LuaHostError("multipart.files must be a list of {field, filename, content_type, data}")
        }
        for f in files {
            let data: [UInt8]
            switch f["data"] {
            case .bytes(let b)?: data = b
            case .string(let s)?: data = Array(s.utf8)
            default: throw LuaHostError("multipart file data must be a string")
            }
            form.files.append(.init(field: f["field"]?.stringValue ?? "file", filename: f["filename"]?.stringValue ?? "file",
                                    contentType: f["content_type"]?.stringValue ?? "application/octet-stream", data: data))
        }
        return form
    }

    static func text(_ v: LuaValue) -> String {
        switch v {
        case .integer(let i): return String(i)
        case .number(let d): return String(d)
        case .bool(let b): return b ? "true" : "false"
        default: return v.stringValue ?? ""
        }
    }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}
