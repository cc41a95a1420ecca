import Foundation

/// A Server-Sent Events client for tests: one raw connection, reads what arrives and answers
/// the events seen so far (chunked framing is skipped by looking only at `id:`/`data:` lines).
public final class EventStreamClient {
    public let connection: TestConnection
    private var received: [UInt8] = []

    public init(port: Int, path: String = "/api/v1/me/events", headers: [String: String]) throws {
        connection = try TestConnection(port: port, timeoutSeconds: 1)
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        try connection.send(request + "\r\n")
    }

    /// Everything received so far, as text.
    public var text: String { String(decoding: received, as: UTF8.self) }

    /// Event ids seen so far, in order.
    public var eventIds: [Int64] {
        text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").compactMap { $0.hasPrefix("id: ") ? Int64($0.dropFirst(4).trimmingCharacters(in: .whitespaces)) : nil }
    }

    /// Reads until `text` contains `needle` (true) or `timeout` passes (false).
    @discardableResult
    public func wait(for needle: String, timeout: TimeInterval = 5) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !text.contains(needle) {
            if Date() > deadline { return false }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = recv(connection.fd, &chunk, chunk.count, 0)
            if n > 0 { received.append(contentsOf: chunk[..<n]) } else if n == 0 { return text.contains(needle) }
        }
        return true
    }

    /// True when the server closed the stream (reads to the end within `timeout`).
    public func waitForClose(timeout: TimeInterval = 5) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = recv(connection.fd, &chunk, chunk.count, 0)
            if n == 0 { return true }
            if n > 0 { received.append(contentsOf: chunk[..<n]) }
        }
        return false
    }
}

extension TestConnection {
    /// Closes both directions now (the peer sees the client leave).
    public func shutdownBoth() { shutdown(fd, Int32(SHUT_RDWR)) }
}
