import KlikAuth
import KlikCore
import KlikHTTP
import KlikPluginHost

/// Answers kernel routes from the router, hands other paths to the fallback (the plugin host),
/// and turns every failure into a JSON error with the right status.
struct KernelResponder: HTTPResponder {
    let router: Router
    let authenticator: Authenticator
    /// Tries plugin routes; nil when the path is not a plugin's.
    let fallback: @Sendable (HTTPRequest) -> (response: HTTPResponse, route: String)?
    let logger: Logger

    /// Paths that create a session; a stale cookie must not make them demand a CSRF token.
    static let csrfExempt: Set<String> = ["/api/v1/auth/login", "/api/v1/auth/register"]

    func respond(to incoming: HTTPRequest) -> (response: HTTPResponse, route: String) {
        var request = incoming
        let caller = authenticator.caller(for: request)
        request.caller = caller
        if !KernelResponder.csrfExempt.contains(request.path) {
            do { try authenticator.checkCSRF(caller, request) } catch {
                return (.error(error, requestId: request.requestId), "-")
            }
        }
        // Plugin ids never equal the kernel's own /api/v1/ names (they are reserved), so plugin
        // paths go straight to the plugin host.
        if request.path.hasPrefix(PluginDispatcher.prefix), let handled = fallback(request) { return handled }
        switch router.route(method: request.method, path: request.path) {
        case .matched(let match):
            var routed = request
            routed.params = match.params
            do {
                return (try match.handler(routed), match.pattern)
            } catch let error as KlikError {
                return (.error(error, requestId: request.requestId), match.pattern)
            } catch {
                logger.error("handler failed", [("route", .string(match.pattern)), ("request_id", .string(request.requestId)),
                                                ("error", .string(String(describing: type(of: error))))])
                return (.error(.internal(), requestId: request.requestId), match.pattern)
            }
        case .methodNotAllowed(let allowed):
            let error = KlikError(status: 405, code: "method_not_allowed",
                                  message: "Metode \(request.method) tidak diizinkan / method not allowed; use \(allowed.joined(separator: ", "))",
                                  headers: [("Allow", allowed.joined(separator: ", "))])
            return (.error(error, requestId: request.requestId), "-")
        case .notFound:
            return (.error(.notFound(), requestId: request.requestId), "-")
        }
    }
}
