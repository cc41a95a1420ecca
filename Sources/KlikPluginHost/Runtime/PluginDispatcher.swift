import KlikCore
import KlikHTTP

/// Serves `/api/v1/<plugin>/<route>`: finds the active plugin, matches its routes, checks access,
/// and calls the handler. Unknown and disabled plugins are 404; a paused one is 503.
public struct PluginDispatcher: Sendable {
    public static let prefix = "/api/v1/"
    let registry: PluginRegistry

    public init(registry: PluginRegistry) { self.registry = registry }

    /// nil when the path is not under a known plugin (the kernel answers 404).
    public func dispatch(_ request: HTTPRequest) -> (response: HTTPResponse, route: String)? {
        guard request.path.hasPrefix(PluginDispatcher.prefix) else { return nil }
        let rest = request.path.dropFirst(PluginDispatcher.prefix.count)
        let id = String(rest.prefix { $0 != "/" })
        guard !id.isEmpty else { return nil }
        let mount = PluginDispatcher.prefix + id
        guard let runtime = registry.activeRuntime(id) else {
            if registry.status(id) == .paused {
                let error = KlikError(status: 503, code: "plugin_paused",
                                      message: "Fitur ini dihentikan sementara / this feature is paused")
                return (.error(error, requestId: request.requestId), mount + "/*")
            }
            return nil
        }
        let subpath = String(rest.dropFirst(id.count))
        switch runtime.router.route(method: request.method, path: subpath.isEmpty ? "/" : subpath) {
        case .matched(let match):
            let label = mount + match.pattern
            var routed = request
            routed.params = match.params
            do {
                // The runtime must outlive the call: a reload may drop the registry's reference
                // meanwhile, and the request finishes on the code it started with.
                return (try withExtendedLifetime(runtime) { try match.handler(routed) }, label)
            } catch let error as KlikError {
                return (.error(error, requestId: request.requestId), label)
            } catch {
                return (.error(.internal(), requestId: request.requestId), label)
            }
        case .methodNotAllowed(let allowed):
            let error = KlikError(status: 405, code: "method_not_allowed",
                                  message: "Metode \(request.method) tidak diizinkan / method not allowed; use \(allowed.joined(separator: ", "))",
                                  headers: [("Allow", allowed.joined(separator: ", "))])
            return (.error(error, requestId: request.requestId), mount + "/*")
        case .notFound:
            return (.error(.notFound(), requestId: request.requestId), mount + "/*")
        }
    }
}
