import Foundation

/// Notices a commit by any connection — in this process or another (`klik plugin`, `klik user
/// add`, `klik calendar`) — without taking a lock. SQLite rewrites the 48-byte header at the start
/// of the WAL index (`<database>-shm`) on every commit and every WAL restart; its layout is part
/// of the documented file format (https://www.sqlite.org/walformat.html). This maps that header
/// read-only and answers a copy to compare. It lets a pooled reader keep its read transaction
/// open between calls while nothing changed, which saves SQLite's per-transaction `fcntl` locks
/// on the WAL index (about 2 µs of every point read).
final class WALIndexWatch: @unchecked Sendable {
    /// The first copy of the WAL-index header, as six words.
    struct Stamp: Equatable {
        var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        static func == (a: Stamp, b: Stamp) -> Bool {
            a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2
                && a.words.3 == b.words.3 && a.words.4 == b.words.4 && a.words.5 == b.words.5
        }
    }

    private let base: UnsafeMutableRawPointer
    private let length: Int

    /// nil when the database has no WAL index yet (not in WAL mode, or not opened).
    init?(databasePath: String) {
        let fd = open(databasePath + "-shm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        // 136 bytes: both header copies and the checkpoint information; SQLite initialised it.
        guard fstat(fd, &info) == 0, info.st_size >= 136 else { return nil }
        let length = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard let mapped = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0),
              mapped != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        base = mapped
        self.length = length
    }

    deinit { munmap(base, length) }

    /// The header now. A commit in progress may be seen half-written: that reads as a change.
    var stamp: Stamp {
        let p = UnsafeRawPointer(base)
        return Stamp(words: (p.load(fromByteOffset: 0, as: UInt64.self), p.load(fromByteOffset: 8, as: UInt64.self),
                             p.load(fromByteOffset: 16, as: UInt64.self), p.load(fromByteOffset: 24, as: UInt64.self),
                             p.load(fromByteOffset: 32, as: UInt64.self), p.load(fromByteOffset: 40, as: UInt64.self)))
    }
}
