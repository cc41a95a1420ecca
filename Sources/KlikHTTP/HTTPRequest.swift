import Foundation
import KlikCore

/// One HTTP request as handlers see it. Header names are lower-cased; the path is decoded and
/// already checked (valid UTF-8, no `..` segments).
public struct HTTPRequest: Sendable {
    public let method: String
    public let path: String
    public let query: [String: String]
    public let headers: [String: String]
    public let body: [UInt8]
    public let requestId: String
    public let clientAddress: String
    /// Values of `{param}` segments of the matched route.
    public var params: [String: String] = [:]
    /// Who is calling, set by the kernel's authentication step before any handler runs (a
    /// `KlikAuth.Caller`; KlikHTTP does not interpret it). nil for anonymous requests.
    public var caller: (any Sendable)?
    /// Bounds for `multipartForm()`; the server sets its configured limits.
    public var multipartLimits = MultipartLimits()

    public init(method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:],
                body: [UInt8] = [], requestId: String = "test", clientAddress: String = "127.0.0.1") {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.requestId = requestId
        self.clientAddress = clientAddress
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The media type of the body without parameters, lower-cased (e.g. `application/json`).
    public var contentType: String? {
        guard let raw = headers["content-type"] else { return nil }
        let type = raw.split(separator: ";", maxSplits: 1).first.map(String.init) ?? raw
        return type.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// Decodes the body as JSON; a malformed body is a 400 naming line, column and problem.
    public func jsonBody() throws(KlikError) -> JSONValue {
        if body.isEmpty { throw KlikError.badRequest("Badan permintaan kosong / request body is empty", code: "invalid_json") }
        do {
            return try JSONParser.parse(body)
        } catch {
            throw KlikError.badRequest(error.description, code: "invalid_json")
        }
    }
}
