import Foundation

/// A minimal SMTP server for tests (no TLS, no AUTH): answers EHLO, MAIL, RCPT, DATA, RSET,
/// NOOP and QUIT, and records each message.
public final class SMTPTestServer: LocalTCPServer, @unchecked Sendable {
    public struct Message: Sendable {
        public let from: String
        public let recipients: [String]
        public let data: String
    }

    private let recordLock = NSLock()
    private var received: [Message] = []
    public var messages: [Message] { recordLock.withLock { received } }

    override func handle(_ fd: Int32) {
        var buffer: [UInt8] = []
        var from = ""
        var recipients: [String] = []
        write(fd, "220 klik-test ESMTP\r\n")
        while let raw = readUntil(fd, Array("\r\n".utf8), into: &buffer) {
            let line = String(decoding: raw.dropLast(2), as: UTF8.self)
            let verb = line.prefix(4).uppercased()
            switch verb {
            case "EHLO": write(fd, "250-klik-test\r\n250 8BITMIME\r\n")
            case "HELO": write(fd, "250 klik-test\r\n")
            case "MAIL": from = SMTPTestServer.address(line); recipients = []; write(fd, "250 OK\r\n")
            case "RCPT": recipients.append(SMTPTestServer.address(line)); write(fd, "250 OK\r\n")
            case "DATA":
                write(fd, "354 end with .\r\n")
                guard let data = readUntil(fd, Array("\r\n.\r\n".utf8), into: &buffer) else { return }
                let text = String(decoding: data.dropLast(5), as: UTF8.self)
                recordLock.withLock { received.append(Message(from: from, recipients: recipients, data: text)) }
                write(fd, "250 queued\r\n")
            case "QUIT": write(fd, "221 bye\r\n"); return
            default: write(fd, "250 OK\r\n")
            }
        }
    }

    static func address(_ line: String) -> String {
        guard let open = line.firstIndex(of: "<"), let close = line.lastIndex(of: ">") else { return "" }
        return String(line[line.index(after: open)..<close])
    }

    public func waitFor(_ count: Int, timeout: TimeInterval = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if messages.count >= count { return true }
            usleep(10_000)
        }
        return false
    }
}
