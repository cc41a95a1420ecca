import Foundation

/// A response as a test sees it.
public struct TestResponse: Sendable {
    public let status: Int
    /// Header names lower-cased.
    public let headers: [String: String]
    public let body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

public struct TestClientError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

/// A small blocking HTTP/1.1 client over one TCP connection, so tests control every byte
/// (malformed requests, slow senders) and can check that keep-alive really keeps the connection.
public final class TestConnection: @unchecked Sendable {
    public let fd: Int32
    private var buffer: [UInt8] = []

    /// `sourceAddress` binds the client end (e.g. `127.0.0.2`) to look like another client.
    public init(port: Int, host: String = "127.0.0.1", timeoutSeconds: Int = 10, sourceAddress: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestClientError(description: "socket failed") }
        if let sourceAddress {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, sourceAddress, &local.sin_addr)
            _ = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        inet_pton(AF_INET, host, &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            close(fd)
            throw TestClientError(description: "connect to \(host):\(port) failed: errno \(errno)")
        }
    }

    deinit { close(fd) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TestClientError(description: "send failed: errno \(errno)") }
            offset += n
        }
    }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Sends a request and reads its response on this connection.
    public func request(_ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []) throws -> TestResponse {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" || method == "PATCH" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        try send(Array(head.utf8) + body)
        return try readResponse(method: method)
    }

    /// True when the server has closed this connection (read returns end of file).
    public func isClosedByServer() -> Bool {
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_DONTWAIT))
        return n == 0
    }

    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = recv(fd, &chunk, chunk.count, 0)
        if n < 0 { throw TestClientError(description: "receive failed or timed out: errno \(errno)") }
        if n == 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    public func readResponse(method: String = "GET") throws -> TestResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while headerEnd == nil {
            if let r = findSubsequence(separator, in: buffer) { headerEnd = r; break }
            guard try fill() else { throw TestClientError(description: "connection closed before a response") }
        }
        let headText = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
        buffer.removeFirst(headerEnd! + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw TestClientError(description: "bad status line: \(statusLine)") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body: [UInt8] = []
        if method != "HEAD", let length = headers["content-length"].flatMap(Int.init) {
            while buffer.count < length { guard try fill() else { break } }
            body = Array(buffer.prefix(length))
            buffer.removeFirst(min(length, buffer.count))
        } else if method != "HEAD", headers["transfer-encoding"]?.lowercased() == "chunked" {
            body = try readChunked()
        } else if method != "HEAD", status != 204, status != 304, headers["connection"]?.lowercased() == "close" {
            while try fill() {}
            body = buffer
            buffer = []
        }
        return TestResponse(status: status, headers: headers, body: body)
    }

    private func readChunked() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            var lineEnd: Int?
            while lineEnd == nil {
                if let r = findSubsequence([13, 10], in: buffer) { lineEnd = r; break }
                guard try fill() else { return body }
            }
            let sizeText = String(decoding: buffer[0..<lineEnd!], as: UTF8.self)
            buffer.removeFirst(lineEnd! + 2)
            let size = Int(sizeText.split(separator: ";")[0], radix: 16) ?? 0
            while buffer.count < size + 2 { guard try fill() else { return body } }
            body.append(contentsOf: buffer[0..<size])
            buffer.removeFirst(size + 2)
            if size == 0 { return body }
        }
    }
}

func findSubsequence(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard haystack.count >= needle.count else { return nil }
    var i = 0
    while i <= haystack.count - needle.count {
        if haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle { return i }
        i += 1
    }
    return nil
}

/// Convenience: one request per new connection.
public struct TestClient: Sendable {
    public let port: Int
    public init(port: Int) { self.port = port }

    public func request(_ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []) throws -> TestResponse {
        try TestConnection(port: port).request(method, path, headers: headers, body: body)
    }
    public func get(_ path: String, headers: [String: String] = [:]) throws -> TestResponse {
        try request("GET", path, headers: headers)
    }
    public func post(_ path: String, json: String, headers: [String: String] = [:]) throws -> TestResponse {
        var h = headers
        h["Content-Type"] = "application/json"
        return try request("POST", path, headers: h, body: Array(json.utf8))
    }
}
