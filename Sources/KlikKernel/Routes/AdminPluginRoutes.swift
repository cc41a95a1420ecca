import Foundation
import KlikAuth
import KlikCore
import KlikHTTP
import KlikPluginHost

/// `/api/v1/admin/plugins`: list, inspect, enable, disable, reload, and read and write settings
/// (validated against the manifest's schema, saved, then the plugin reloads). Audited.
enum AdminPluginRoutes {
    static func register(on routes: inout Router.Builder, kernel: Kernel) {
        let plugins = kernel.plugins
        let states = PluginStateStore(database: kernel.database, clock: kernel.clock)
        let base = "/api/v1/admin/plugins"

        routes.add("GET", base) { request in
            _ = try RouteSupport.adminRead(request)
            return .json(["plugins": .array(plugins.list().map(json))])
        }
        routes.add("GET", base + "/{id}") { request in
            _ = try RouteSupport.adminRead(request)
            return .json(["plugin": try info(plugins, request.params["id"] ?? "")])
        }
        routes.add("POST", base + "/{id}/enable") { request in
            let caller = try RouteSupport.adminWrite(request)
            let id = try known(plugins, request.params["id"] ?? "")
            let result = try? plugins.enable(id, actor: caller.actor, address: request.clientAddress)
            return .json(["plugin": result.flatMap { $0 }.map(json) ?? .null])
        }
        routes.add("POST", base + "/{id}/disable") { request in
            let caller = try RouteSupport.adminWrite(request)
            let id = try known(plugins, request.params["id"] ?? "")
            try plugins.disable(id, actor: caller.actor, address: request.clientAddress)
            return .json(["plugin": try info(plugins, id)])
        }
        routes.add("POST", base + "/{id}/reload") { request in
            let caller = try RouteSupport.adminWrite(request)
            let id = try known(plugins, request.params["id"] ?? "")
            return .json(["plugin": plugins.reload(id, actor: caller.actor, address: request.clientAddress).map(json) ?? .null])
        }
        routes.add("GET", base + "/{id}/settings") { request in
            _ = try RouteSupport.adminRead(request)
            let id = try known(plugins, request.params["id"] ?? "")
            let schema = plugins.manifest(id)?.settings
            return .json(["settings": .object(try current(id, schema: schema, states: states)), "schema": schema ?? .null])
        }
        routes.add("PUT", base + "/{id}/settings") { request in
            let caller = try RouteSupport.adminWrite(request)
            let id = try known(plugins, request.params["id"] ?? "")
            guard let schema = plugins.manifest(id)?.settings else {
                throw KlikError.badRequest("Plugin ini tidak punya pengaturan / this plugin has no settings", code: "no_settings")
            }
            let values = try request.jsonBody()
            let violations = SettingsSchema.validate(values, against: schema)
            guard violations.isEmpty else {
                throw KlikError.badRequest("Pengaturan tidak sah / invalid settings: " + violations.map(\.description).joined(separator: "; "),
                                           code: "invalid_settings")
            }
            let saved = (try states.record(id))?.settings ?? [:]
            let before = try current(id, schema: schema, states: states)
            var merged = saved
            for (k, v) in values.objectValue ?? [:] { merged[k] = v }
            try states.saveSettings(id, merged)
            let after = try current(id, schema: schema, states: states)
            kernel.auth.record(caller.actor, "plugin.settings", id, ["before": .object(before), "after": .object(after)], request.clientAddress)
            let reloaded = plugins.reload(id, actor: caller.actor, address: request.clientAddress)
            return .json(["settings": .object(after), "plugin": reloaded.map(json) ?? .null])
        }
    }

    /// Saved values over the schema's defaults.
    static func current(_ id: String, schema: JSONValue?, states: PluginStateStore) throws -> [String: JSONValue] {
        var merged = schema.map(SettingsSchema.defaults) ?? [:]
        for (k, v) in (try states.record(id))?.settings ?? [:] where merged[k] != nil { merged[k] = v }
        return merged
    }

    static func known(_ plugins: PluginRegistry, _ id: String) throws(KlikError) -> String {
        guard plugins.list().contains(where: { $0.id == id }) else { throw KlikError.notFound("Plugin tidak ditemukan / no such plugin") }
        return id
    }

    static func info(_ plugins: PluginRegistry, _ id: String) throws(KlikError) -> JSONValue {
        guard let found = plugins.list().first(where: { $0.id == id }) else { throw KlikError.notFound("Plugin tidak ditemukan / no such plugin") }
        return json(found)
    }

    static func json(_ p: PluginInfo) -> JSONValue {
        [
            "id": .string(p.id), "version": .string(p.version), "enabled": .bool(p.enabled), "state": .string(p.status.rawValue),
            "errors": .array(p.errors.map { .string($0) }), "requests": .integer(Int64(p.requests)),
            "error_count": .integer(Int64(p.failures)), "budget_trips": .integer(Int64(p.budgetTrips)),
            "memory_bytes": .integer(Int64(p.memoryBytes)),
        ]
    }
}
