import Foundation
import KlikCore
import KlikHTTP

/// Open Server-Sent Event streams by user. A stream reads new inbox rows when woken (a new
/// notification for its user) and sends a comment heartbeat every `heartbeatSeconds`, so
/// proxies and the server's idle timeout never close a quiet stream.
public final class EventHub: @unchecked Sendable {
    private let inbox: Inbox
    private let heartbeatSeconds: Double
    private let lock = NSCondition()
    private var streams: [String: [ObjectIdentifier: (stream: HTTPStream, cursor: EventCursor)]] = [:]
    private var stopping = false
    private var heartbeat: Thread?

    init(inbox: Inbox, heartbeatSeconds: Double) {
        self.inbox = inbox
        self.heartbeatSeconds = heartbeatSeconds
    }

    /// Open streams (for tests and metrics).
    public var openCount: Int { lock.withLock { streams.values.reduce(0) { $0 + $1.count } } }

    /// A stream for `user` that first replays inbox rows after `lastEventId` (when given), then
    /// sends new ones as they arrive.
    public func open(user: String, lastEventId: Int64?) throws -> HTTPResponse {
        let start = try lastEventId ?? inbox.latestId(user: user)
        let cursor = EventCursor(user: user, after: start, inbox: inbox)
        let box = StreamBox()
        let stream = HTTPStream(read: { cursor.next() }, onClose: { [weak self] in
            guard let self, let stream = box.stream else { return }
            self.remove(user: user, stream)
        })
        box.stream = stream
        lock.withLock { streams[user, default: [:]][ObjectIdentifier(stream)] = (stream, cursor) }
        return .stream(stream, headers: [("Content-Type", "text/event-stream; charset=utf-8"), ("Cache-Control", "no-store"),
                                         ("X-Accel-Buffering", "no")])
    }

    private func remove(user: String, _ stream: HTTPStream) {
        lock.withLock {
            streams[user]?.removeValue(forKey: ObjectIdentifier(stream))
            if streams[user]?.isEmpty == true { streams.removeValue(forKey: user) }
        }
    }

    /// New inbox rows exist for these users.
    func wake(users: [String]) {
        let targets = lock.withLock { users.flatMap { streams[$0].map { Array($0.values) } ?? [] } }
        for target in targets { target.stream.wake() }
    }

    /// Sends a heartbeat comment on every open stream now.
    public func sendHeartbeats() {
        let all = lock.withLock { streams.values.flatMap { $0.values } }
        for entry in all {
            entry.cursor.heartbeatDue()
            entry.stream.wake()
        }
    }

    func start() {
        guard heartbeatSeconds > 0 else { return }
        let thread = Thread { [self] in
            while true {
                let stop = lock.withLock { () -> Bool in
                    if !stopping { _ = lock.wait(until: Date().addingTimeInterval(heartbeatSeconds)) }
                    return stopping
                }
                if stop { return }
                sendHeartbeats()
            }
        }
        thread.name = "klik.sse-heartbeat"
        thread.start()
        heartbeat = thread
    }

    /// Ends every stream (clients reconnect with `Last-Event-ID`).
    func stop() {
        let all = lock.withLock { () -> [HTTPStream] in
            stopping = true
            lock.broadcast()
            return streams.values.flatMap { $0.values.map(\.stream) }
        }
        for stream in all { stream.end() }
    }
}

private final class StreamBox: @unchecked Sendable {
    weak var stream: HTTPStream?
}

/// Where one stream is in its user's inbox; formats events. Used by one reader at a time.
final class EventCursor: @unchecked Sendable {
    let user: String
    private let inbox: Inbox
    private let lock = NSLock()
    private var after: Int64
    private var greeted = false
    private var heartbeat = false

    init(user: String, after: Int64, inbox: Inbox) {
        self.user = user
        self.after = after
        self.inbox = inbox
    }

    func heartbeatDue() { lock.withLock { heartbeat = true } }

    /// The next bytes to send; empty when there is nothing now.
    func next() -> [UInt8]? {
        lock.withLock {
            var out = ""
            if !greeted {
                greeted = true
                out += "retry: 3000\n: connected\n\n"
            }
            if let rows = try? inbox.since(user: user, after: after, limit: 50) {
                for row in rows {
                    out += "id: \(row.id)\nevent: notification\ndata: \(JSONWriter.string(row.item))\n\n"
                    after = row.id
                }
            }
            if heartbeat {
                heartbeat = false
                if out.isEmpty { out = ": ping\n\n" }
            }
            return Array(out.utf8)
        }
    }
}
