import CMicroHTTPD
import Foundation

/// A response body produced over time (Server-Sent Events). The server asks `read` for bytes
/// whenever it can send: bytes are sent, an empty array parks the connection (suspended, so
/// it holds no worker thread) until `wake()`, and nil ends the response.
public final class HTTPStream: @unchecked Sendable {
    private let read: @Sendable () -> [UInt8]?
    private let onClose: @Sendable () -> Void
    private let lock = NSLock()
    private var pending: [UInt8] = []
    private var connection: OpaquePointer?
    private var suspended = false
    private var woken = false
    private var ended = false

    public init(read: @escaping @Sendable () -> [UInt8]?, onClose: @escaping @Sendable () -> Void = {}) {
        self.read = read
        self.onClose = onClose
    }

    /// New data may be available: resumes a parked connection. Callable from any thread.
    public func wake() {
        lock.withLock {
            woken = true
            resumeLocked()
        }
    }

    /// Ends the response after what is already buffered (server stop, hub stop).
    public func end() {
        lock.withLock {
            ended = true
            resumeLocked()
        }
    }

    private func resumeLocked() {
        if suspended, let connection {
            suspended = false
            MHD_resume_connection(connection)
        }
    }

    private var registry: OpenStreams?

    func attach(_ connection: OpaquePointer, to registry: OpenStreams) {
        lock.withLock {
            self.connection = connection
            self.registry = registry
        }
        registry.add(self)
    }

    /// libmicrohttpd's content reader: copies up to `max` bytes, or parks, or ends (-1).
    func fill(_ buffer: UnsafeMutablePointer<CChar>, max: Int) -> Int {
        lock.lock()
        if pending.isEmpty && !ended {
            woken = false
            lock.unlock()
            let next = read()
            lock.lock()
            if let next { pending.append(contentsOf: next) } else { ended = true }
        }
        defer { lock.unlock() }
        if pending.isEmpty {
            if ended { return -1 }
            // Woken while reading: answer 0 without parking, so libmicrohttpd asks again.
            if !woken, let connection {
                suspended = true
                MHD_suspend_connection(connection)
            }
            return 0
        }
        let count = Swift.min(max, pending.count)
        pending.withUnsafeBytes { src in
            UnsafeMutableRawPointer(buffer).copyMemory(from: src.baseAddress!, byteCount: count)
        }
        pending.removeFirst(count)
        return count
    }

    /// The response is gone (sent, failed, or the client left).
    func closed() {
        let registry = lock.withLock { () -> OpenStreams? in
            ended = true
            connection = nil
            defer { self.registry = nil }
            return self.registry
        }
        registry?.remove(self)
        onClose()
    }
}

/// The open streams of a server, so stopping can end them before draining.
final class OpenStreams: @unchecked Sendable {
    private let lock = NSLock()
    private var streams: [ObjectIdentifier: HTTPStream] = [:]

    func add(_ stream: HTTPStream) { lock.withLock { streams[ObjectIdentifier(stream)] = stream } }
    func remove(_ stream: HTTPStream) { _ = lock.withLock { streams.removeValue(forKey: ObjectIdentifier(stream)) } }
    func endAll() { for stream in lock.withLock({ Array(streams.values) }) { stream.end() } }
}

let streamReaderCallback: MHD_ContentReaderCallback = { cls, _, buffer, max in
    guard let cls, let buffer else { return -1 }
    return Unmanaged<HTTPStream>.fromOpaque(cls).takeUnretainedValue().fill(buffer, max: max)
}

let streamFreeCallback: MHD_ContentReaderFreeCallback = { cls in
    guard let cls else { return }
    let stream = Unmanaged<HTTPStream>.fromOpaque(cls).takeRetainedValue()
    stream.closed()
}
