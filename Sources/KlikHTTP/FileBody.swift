#if canImport(Glibc)
import Glibc
#endif

/// An open file sent as a response body straight from the descriptor (libmicrohttpd uses
/// `sendfile`): a 10 MiB photo is never copied into memory. Owns the descriptor until the server
/// hands it to libmicrohttpd; closed on deinit otherwise.
public final class FileBody: @unchecked Sendable {
    private var fd: Int32
    public let size: Int

    /// Takes ownership of `fd`, an open, readable regular file of `size` bytes.
    public init(fd: Int32, size: Int) {
        self.fd = fd
        self.size = size
    }

    /// Opens `path` read-only; nil when it cannot be opened.
    public static func open(path: String) -> FileBody? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { close(fd); return nil }
        return FileBody(fd: fd, size: Int(st.st_size))
    }

    /// Gives the descriptor away (to libmicrohttpd, which closes it); -1 if already taken.
    func take() -> Int32 {
        defer { fd = -1 }
        return fd
    }

    deinit { if fd >= 0 { close(fd) } }
}
