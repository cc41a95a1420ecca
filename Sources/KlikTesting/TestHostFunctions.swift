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
            "logs": { _ in
                let lines = logs.lines.filter { $0.contains("\"plugin\":\"\(id)\"") }
                return [lines.isEmpty ? .table([:]) : .array(lines.suffix(200).map { .string($0) })]
            },
        ]
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
