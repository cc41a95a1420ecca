import Foundation

/// A tiny blocking TCP server on 127.0.0.1 for tests that need a real peer (webhook receiver,
/// SMTP server). One accept thread; each connection is handled on its own thread by `handle`.
/// `down()` closes the listening socket so connections are refused; `up()` listens again on
/// the same port.
public class LocalTCPServer: @unchecked Sendable {
    public private(set) var port: Int = 0
    private let lock = NSLock()
    private var listener: Int32 = -1
    private var stopped = false

    public init() throws {
        try listen(port: 0)
    }

    /// Called on a connection's own thread; close is done by the caller.
    func handle(_ fd: Int32) {}

    private func listen(port requested: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(requested).bigEndian
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0, Foundation.listen(fd, 64) == 0 else {
            close(fd)
            throw TestClientError(description: "test server cannot listen on port \(requested): errno \(errno)")
        }
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = Int(UInt16(bigEndian: bound.sin_port))
        lock.withLock { listener = fd }
        let thread = Thread { [self] in acceptLoop(fd) }
        thread.start()
    }

    private func acceptLoop(_ fd: Int32) {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 { return }
            var tv = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            Thread.detachNewThread { [self] in
                handle(client)
                close(client)
            }
        }
    }

    /// Refuses connections until `up()`.
    public func down() {
        let fd = lock.withLock { () -> Int32 in defer { listener = -1 }; return listener }
        if fd >= 0 {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    public func up() throws {
        guard lock.withLock({ listener < 0 && !stopped }) else { return }
        try listen(port: port)
    }

    public func stop() {
        lock.withLock { stopped = true }
        down()
    }

    deinit { stop() }

    // MARK: reading and writing for subclasses

    /// Reads until `delimiter` (included) or the peer closes / times out.
    func readUntil(_ fd: Int32, _ delimiter: [UInt8], into buffer: inout [UInt8]) -> [UInt8]? {
        while true {
            if let end = findSubsequence(delimiter, in: buffer) {
                let head = Array(buffer[..<(end + delimiter.count)])
                buffer.removeFirst(end + delimiter.count)
                return head
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { return nil }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    func readCount(_ fd: Int32, _ count: Int, into buffer: inout [UInt8]) -> [UInt8]? {
        while buffer.count < count {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { return nil }
            buffer.append(contentsOf: chunk[..<n])
        }
        let body = Array(buffer[..<count])
        buffer.removeFirst(count)
        return body
    }

    func write(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}
