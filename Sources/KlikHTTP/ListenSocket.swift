import Foundation
import KlikCore

/// Binds and listens on `host:port` so that start-up errors (port in use, bad address) are clear,
/// and so the real port is known when asked for port 0.
struct ListenSocket {
    let fd: Int32
    let port: Int

    static func open(host: String, port: Int, backlog: Int32) throws(KlikError) -> ListenSocket {
        guard (0...65535).contains(port) else {
            throw KlikError(status: 0, code: "config", message: "port \(port): harus 0–65535 / must be 0–65535")
        }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var result: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &result)
        guard rc == 0, let info = result else {
            throw KlikError(status: 0, code: "config", message: "host \(host): alamat tidak dikenal / unknown address")
        }
        defer { freeaddrinfo(result) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw KlikError(status: 0, code: "config", message: "socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
            let err = errno
            close(fd)
            if err == EADDRINUSE {
                throw KlikError(status: 0, code: "config", message: "port \(port) di \(host) sudah dipakai / port \(port) on \(host) is already in use")
            }
            if err == EACCES {
                throw KlikError(status: 0, code: "config", message: "port \(port): tidak diizinkan / permission denied (ports below 1024 need privileges)")
            }
            throw KlikError(status: 0, code: "config", message: "bind \(host):\(port): \(String(cString: strerror(err)))")
        }
        guard listen(fd, backlog) == 0 else {
            let err = errno
            close(fd)
            throw KlikError(status: 0, code: "config", message: "listen \(host):\(port): \(String(cString: strerror(err)))")
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let boundPort: Int = withUnsafeMutablePointer(to: &storage) { ptr in
            _ = ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            if ptr.pointee.ss_family == sa_family_t(AF_INET6) {
                return ptr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return ptr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
        return ListenSocket(fd: fd, port: boundPort)
    }
}

/// Renders a socket address as text (IPv4 or IPv6), for logs and rate limits.
func addressString(_ address: UnsafePointer<sockaddr>?) -> String {
    guard let address else { return "unknown" }
    var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
    if address.pointee.sa_family == sa_family_t(AF_INET) {
        return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
            var a = sin.pointee.sin_addr
            inet_ntop(AF_INET, &a, &buffer, socklen_t(buffer.count))
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
    if address.pointee.sa_family == sa_family_t(AF_INET6) {
        return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin in
            var a = sin.pointee.sin6_addr
            inet_ntop(AF_INET6, &a, &buffer, socklen_t(buffer.count))
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
    return "unknown"
}
