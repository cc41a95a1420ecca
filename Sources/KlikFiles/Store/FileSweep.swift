#if canImport(Glibc)
import Glibc
#endif
import Foundation

extension FileStore {
    /// Removes what interrupted work left behind: temporary files, and blobs no row refers to
    /// (a store inside a plugin transaction that rolled back). Run at start, before serving.
    /// Answers how many files were removed.
    @discardableResult
    public func sweep() -> Int {
        let fm = FileManager.default
        var removed = 0
        for plugin in (try? fm.contentsOfDirectory(atPath: root.path)) ?? [] {
            let folder = root.appendingPathComponent(plugin)
            for name in (try? fm.contentsOfDirectory(atPath: folder.appendingPathComponent(".tmp").path)) ?? [] {
                if unlink(folder.appendingPathComponent(".tmp").appendingPathComponent(name).path) == 0 { removed += 1 }
            }
            for shard in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] where shard.count == 2 {
                for digest in (try? fm.contentsOfDirectory(atPath: folder.appendingPathComponent(shard).path)) ?? [] {
                    let used = (try? database.read { c in
                        try c.queryOne("SELECT 1 FROM klik_files WHERE plugin = ? AND sha256 = ? LIMIT 1", [.text(plugin), .text(digest)])
                    }) ?? nil
                    if used == nil {
                        collect(plugin: plugin, digest: digest)
                        removed += 1
                    }
                }
            }
        }
        if removed > 0 { logger.info("unused files removed", [("files", .int(removed))]) }
        return removed
    }
}
