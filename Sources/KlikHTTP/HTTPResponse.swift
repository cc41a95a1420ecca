import KlikCore

/// A response to send. Bodies are bytes; helpers build JSON, text and error responses.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Slow work (password hashing) to run off the HTTP worker threads; see `deferred(_:)`.
    public private(set) var deferredWork: (@Sendable () -> HTTPResponse)?
    /// A body produced over time (Server-Sent Events); see `stream(_:headers:)`.
    public private(set) var stream: HTTPStream?
    /// A body sent from an open file (stored photos); see `file(_:status:headers:)`.
    public private(set) var file: FileBody?

    public init(status: Int = 200, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response computed later on the server's bounded work pool: the connection is suspended
    /// (the worker thread is freed), `work` runs, then the connection resumes and its answer is
    /// sent. When the pool's queue is full the client gets 503 with `Retry-After`.
    public static func deferred(_ work: @escaping @Sendable () -> HTTPResponse) -> HTTPResponse {
        var response = HTTPResponse(status: 202)
        response.deferredWork = work
        return response
    }

    /// A response whose body `stream` produces over time, sent chunked; the connection holds
    /// no worker thread while the stream has nothing to say.
    public static func stream(_ stream: HTTPStream, status: Int = 200, headers: [(String, String)]) -> HTTPResponse {
        var response = HTTPResponse(status: status, headers: headers)
        response.stream = stream
        return response
    }

    /// A response whose body is the whole of `file`, sent without copying it into memory.
    public static func file(_ file: FileBody, status: Int = 200, headers: [(String, String)]) -> HTTPResponse {
        var response = HTTPResponse(status: status, headers: headers)
        response.file = file
        return response
    }

    /// The same response without its file body (e.g. 304 Not Modified); the file is closed.
    public func droppingFile(status: Int) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: [])
    }

    public static func json(_ value: JSONValue, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json; charset=utf-8")], body: JSONWriter.bytes(value))
    }

    /// JSON text the caller already rendered (hot paths that avoid building a `JSONValue`).
    public static func jsonText(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json; charset=utf-8")], body: Array(text.utf8))
    }

    public static func text(_ text: String, status: Int = 200, contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
    }

    /// `{"error":{"code":"...","message":"..."}}` with the error's status and headers.
    public static func error(_ error: KlikError, requestId: String? = nil) -> HTTPResponse {
        var text = "{\"error\":{\"code\":"
        JSONText.appendString(error.code, to: &text)
        text += ",\"message\":"
        JSONText.appendString(error.message, to: &text)
        if let requestId {
            text += ",\"request_id\":"
            JSONText.appendString(requestId, to: &text)
        }
        text += "}}"
        var response = HTTPResponse.jsonText(text, status: error.status)
        response.headers.append(contentsOf: error.headers)
        return response
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}
