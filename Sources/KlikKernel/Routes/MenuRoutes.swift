import Foundation
import KlikAuth
import KlikCore
import KlikHTTP
import KlikPluginHost

/// `GET /api/v1/menu`: the menu entries of active plugins the caller may see (`menu.audience`:
/// `public`, `user` or a role name), by `order` then id, titles in Indonesian and English.
enum MenuRoutes {
    static func register(on routes: inout Router.Builder, plugins: PluginRegistry) {
        routes.add("GET", "/api/v1/menu") { request in
            let caller = request.authCaller
            var entries: [(Int, String, JSONValue)] = []
            for info in plugins.list() where info.status == .active {
                guard let manifest = plugins.manifest(info.id), let menu = manifest.menu, visible(menu.audience, to: caller) else { continue }
                entries.append((menu.order, manifest.id, [
                    "plugin": .string(manifest.id), "title": ["id": .string(menu.title.id), "en": .string(menu.title.en)],
                    "icon": .string(menu.icon), "order": .integer(Int64(menu.order)), "path": .string("/api/v1/" + manifest.id),
                ]))
            }
            entries.sort { ($0.0, $0.1) < ($1.0, $1.1) }
            return .json(["menu": .array(entries.map(\.2))])
        }
    }

    static func visible(_ audience: String, to caller: Caller?) -> Bool {
        switch audience {
        case "public": true
        case "user": caller?.user != nil
        default: Role(rawValue: audience).map { caller?.has($0) ?? false } ?? false
        }
    }
}
