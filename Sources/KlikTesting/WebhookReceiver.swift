import Foundation
import KlikCore
import KlikNotify

/// A webhook endpoint for tests: records every POST, checks `X-Klik-Signature` against
/// `secret` (once set), and keeps one copy per `Idempotency-Key` like a careful receiver.
public final class WebhookReceiver: LocalTCPServer, @unchecked Sendable {
    public struct Received: Sendable {
        public let key: String
        public let timestamp: String
        public let signature: String
        public let body: [UInt8]
        public var json: JSONValue? { try? JSONParser.parse(body) }
    }

    private let recordLock = NSLock()
    private var all: [Received] = []
    private var unique: [String: Received] = [:]
    private var badSignatures = 0
    private var secretValue = ""

    public var url: String { "http://127.0.0.1:\(port)/hook" }
    /// The subscription's secret, to verify signatures with.
    public var secret: String {
        get { recordLock.withLock { secretValue } }
        set { recordLock.withLock { secretValue = newValue } }
    }
    /// Every request received, duplicates included.
    public var requests: [Received] { recordLock.withLock { all } }
    /// One request per idempotency key.
    public var deliveries: [String: Received] { recordLock.withLock { unique } }
    public var invalidSignatures: Int { recordLock.withLock { badSignatures } }

    override func handle(_ fd: Int32) {
        var buffer: [UInt8] = []
        guard let head = readUntil(fd, Array("\r\n\r\n".utf8), into: &buffer) else { return }
        var headers: [String: String] = [:]
        for line in String(decoding: head, as: UTF8.self).split(separator: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        guard let body = readCount(fd, length, into: &buffer) else { return }
        let received = Received(key: headers["idempotency-key"] ?? "", timestamp: headers["x-klik-timestamp"] ?? "",
                                signature: headers["x-klik-signature"] ?? "", body: body)
        let valid = WebhookSignature.verify(secret: secret, timestamp: received.timestamp, body: body, signature: received.signature)
        recordLock.withLock {
            all.append(received)
            if !valid { badSignatures += 1 }
            if unique[received.key] == nil { unique[received.key] = received }
        }
        write(fd, valid ? "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        : "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    /// Waits (wall clock) until `count` distinct deliveries arrived.
    public func waitFor(_ count: Int, timeout: TimeInterval = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if deliveries.count >= count { return true }
            usleep(10_000)
        }
        return deliveries.count >= count
    }
}
