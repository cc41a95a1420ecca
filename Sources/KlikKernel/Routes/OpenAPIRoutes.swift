import Foundation
import KlikCore
import KlikHTTP
import KlikPluginHost

/// `GET /openapi.json`: an OpenAPI 3.1 description of the kernel's routes and every active
/// plugin's routes, built at request time so enabling, disabling and reloading show at once.
enum OpenAPIRoutes {
    static func register(on routes: inout Router.Builder, plugins: PluginRegistry) {
        let kernelRoutes = routes.routes + [("GET", "/openapi.json")]
        routes.add("GET", "/openapi.json") { _ in
            .json(document(kernelRoutes: kernelRoutes, plugins: plugins))
        }
    }

    /// Who may call a kernel route, by path.
    static func kernelAccess(_ method: String, _ path: String) -> String {
        if ["/healthz", "/metrics", "/openapi.json", "/api/v1/menu", "/api/v1/auth/login", "/api/v1/auth/register"].contains(path) { return "public" }
        if path.hasPrefix("/api/v1/admin/") || path == "/api/v1/admin" { return method == "GET" ? "admin, pimpinan" : "admin" }
        return "user"
    }

    static func document(kernelRoutes: [(method: String, pattern: String)], plugins: PluginRegistry) -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for (method, pattern) in kernelRoutes {
            paths[pattern, default: [:]][method.lowercased()] = operation(method, pattern, access: kernelAccess(method, pattern), tag: "kernel")
        }
        for info in plugins.list() where info.status == .active {
            guard let manifest = plugins.manifest(info.id) else { continue }
            for route in manifest.routes {
                let path = "/api/v1/" + manifest.id + (route.path == "/" ? "" : route.path)
                paths[path, default: [:]][route.method.lowercased()] = operation(route.method, path, access: describe(route.access), tag: manifest.id)
            }
        }
        let error: JSONValue = ["type": "object", "properties": ["error": ["type": "object", "properties": [
            "code": ["type": "string"], "message": ["type": "string"], "request_id": ["type": "string"]]]]]
        return [
            "openapi": "3.1.0",
            "info": ["title": "Klik API", "version": .string(KlikVersion.kernel),
                     "description": "Kernel dan plugin Klik / Klik kernel and plugin routes. Errors: {\"error\":{\"code\",\"message\"}}."],
            "paths": .object(paths.mapValues { .object($0) }),
            "components": [
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer", "description": "Session token (kls_…) or API key (klk_…)"],
                    "cookie": ["type": "apiKey", "in": "cookie", "name": "klik_session", "description": "Writes also need X-CSRF-Token"],
                    "apiKey": ["type": "apiKey", "in": "header", "name": "X-API-Key"],
                ],
                "schemas": ["Error": error],
            ],
        ]
    }

    static func operation(_ method: String, _ path: String, access: String, tag: String) -> JSONValue {
        var op: [String: JSONValue] = [
            "tags": [.string(tag)], "x-klik-access": .string(access),
            "responses": [
                "200": ["description": "OK"],
                "default": ["description": "Error", "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]],
            ],
        ]
        let params = path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) }
        if !params.isEmpty {
            op["parameters"] = .array(params.map { ["name": .string($0), "in": "path", "required": true, "schema": ["type": "string"]] })
        }
        if access != "public" {
            op["security"] = [["bearer": []], ["cookie": []]]
        }
        return .object(op)
    }

    static func describe(_ rule: AccessRule) -> String {
        switch rule {
        case .public: "public"
        case .user: "user"
        case .opdMember: "opd"
        case .roles(let names): names.joined(separator: ", ")
        }
    }
}
