import Foundation

/// How the HTTP server listens and what it tolerates. Defaults suit one kabupaten on one machine.
public struct HTTPServerOptions: Sendable {
    /// Address to listen on; `127.0.0.1` unless told otherwise (put a TLS proxy in front).
    public var host = "127.0.0.1"
    /// TCP port; 0 picks a free one (tests).
    public var port = 8080
    /// Worker threads of libmicrohttpd's epoll pool; defaults to the number of cores.
    public var threads = max(1, System.coreCount)
    /// Largest request body accepted (JSON, forms, text); larger → 413.
    public var maxBodyBytes = 1 << 20
    /// `multipart/form-data` bodies (photo uploads) have their own, larger limits.
    public var multipart = MultipartLimits()
    /// Memory per connection for the request line and headers; larger headers → 431.
    public var maxHeaderBytes = 32 << 10
    /// Open connections in total, and per client address.
    public var connectionLimit = 1024
    public var perAddressConnectionLimit = 256
    /// Seconds of inactivity after which a connection is closed.
    public var idleTimeoutSeconds = 30
    /// Stack size of worker threads: Lua plugins run on them and need deep stacks.
    public var workerStackBytes = 16 << 20
    /// How long a graceful stop waits for in-flight requests.
    public var drainSeconds = 10.0
    /// Deferred responses (password hashing) computed at once; each argon2id hash holds its
    /// memory cost, so this bounds memory as well as CPU.
    public var deferredConcurrency = 2
    /// Deferred responses waiting beyond this many are refused with 503 (load shedding).
    public var deferredQueueLimit = 64

    public init() {}

    /// The body limit for a request with this `Content-Type` header: only multipart/form-data
    /// gets the large one.
    public func bodyLimit(contentType: String?) -> Int {
        guard let contentType else { return maxBodyBytes }
        let type = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return type == "multipart/form-data" ? multipart.bodyBytes : maxBodyBytes
    }
}

public enum System {
    public static var coreCount: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
}

#if canImport(Glibc)
import Glibc
#endif
