/// An error a client or operator may see: a stable code, a human message, and the HTTP status it
/// maps to. Messages name the offending field but never contain secrets or personal data.
public struct KlikError: Error, Sendable, CustomStringConvertible {
    public let status: Int
    public let code: String
    public let message: String
    /// Extra headers to send with the error response (e.g. `Allow` for 405).
    public let headers: [(String, String)]

    public init(status: Int, code: String, message: String, headers: [(String, String)] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(code): \(message)" }

    public static func badRequest(_ message: String, code: String = "bad_request") -> KlikError {
        KlikError(status: 400, code: code, message: message)
    }
    public static func notFound(_ message: String = "Tidak ditemukan / Not found") -> KlikError {
        KlikError(status: 404, code: "not_found", message: message)
    }
    public static func `internal`(_ message: String = "Kesalahan internal / Internal error") -> KlikError {
        KlikError(status: 500, code: "internal", message: message)
    }
    public static func unavailable(_ message: String) -> KlikError {
        KlikError(status: 503, code: "unavailable", message: message)
    }
}

/// The kernel's version and the plugin-API version it offers.
public enum KlikVersion {
    public static let kernel = "0.1.0"
    /// Plugin API version (`major.minor`); manifests declare a compatible range in `kernel`.
    public static let pluginAPI = (major: 1, minor: 0)
}
