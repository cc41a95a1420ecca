import CSQLite

/// Notices a commit by any connection — in this process or another (`klik plugin`, `klik user
/// add`, `klik calendar`) — without taking a lock. SQLite rewrites the 48-byte header at the start
/// of the WAL index (`<database>-shm`) on every commit and every WAL restart; its layout is part
/// of the documented file format (https://www.sqlite.org/walformat.html). A connection reads that
/// header where SQLite mapped it (`ksql_wal_index`) and compares copies. It lets a pooled reader
/// keep its read transaction open between calls while nothing changed, which saves SQLite's
/// per-transaction `fcntl` locks on the WAL index (about 2 µs of every point read).
enum WALIndexWatch {
    /// The first copy of the WAL-index header, as six words.
    struct Stamp: Equatable {
        var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        static func == (a: Stamp, b: Stamp) -> Bool {
            a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2
                && a.words.3 == b.words.3 && a.words.4 == b.words.4 && a.words.5 == b.words.5
        }
    }

    /// The header now. A commit in progress may be seen half-written: that reads as a change.
    static func stamp(_ header: UnsafeRawPointer) -> Stamp {
        Stamp(words: (header.load(fromByteOffset: 0, as: UInt64.self), header.load(fromByteOffset: 8, as: UInt64.self),
                      header.load(fromByteOffset: 16, as: UInt64.self), header.load(fromByteOffset: 24, as: UInt64.self),
                      header.load(fromByteOffset: 32, as: UInt64.self), header.load(fromByteOffset: 40, as: UInt64.self)))
    }
}
