import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks `Plugins/<id>/` on disk: it exists, `main.lua` is a regular file, no symlink escapes, the size fits, seeds exist.
enum PluginFolderCheck {
    /// At most this many entries are examined; a bigger folder is refused as oversized.
    static let maxEntries = 20_000

    /// `seeds` pairs each collection's seed path with the JSON path to report it under.
    static func check(id: String, pluginsDirectory: URL, seeds: [(seed: String, path: String)],
                      maxBytes: Int) -> [ManifestViolation] {
        var out: [ManifestViolation] = []
        func fail(_ p: String, _ m: String) { out.append(ManifestViolation(path: p, message: m)) }
        let shown = "Plugins/\(id)/"
        let folder = pluginsDirectory.appendingPathComponent(id, isDirectory: true).path
        guard let root = realPath(folder), kind(root) == .directory else {
            fail("$.id", "plugin folder \(shown) not found")
            return out
        }
        switch lstatKind(root + "/main.lua") {
        case nil: fail("$", "\(shown)main.lua not found")
        case .symlink?: fail("$", "\(shown)main.lua must not be a symlink")
        case .regular?: break
        default: fail("$", "\(shown)main.lua must be a regular file")
        }
        var total = 0, entries = 0
        var pending = [""]
        walk: while let relative = pending.popLast() {
            let dir = relative.isEmpty ? root : root + "/" + relative
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            for name in names.sorted() {
                entries += 1
                if entries > maxEntries { total = Int.max; break walk }
                let rel = relative.isEmpty ? name : relative + "/" + name
                let full = root + "/" + rel
                var st = stat()
                guard lstat(full, &st) == 0 else { continue }
                switch st.st_mode & S_IFMT {
                case S_IFDIR: pending.append(rel)
                case S_IFREG: total = total &+ Int(st.st_size)
                case S_IFLNK where !isInside(linkTarget(full), root: root):
                    fail("$", "symlink \(shown)\(rel) points outside the plugin folder")
                default: break
                }
            }
        }
        if total > maxBytes {
            fail("$", "oversized plugin: \(shown) holds more than \(maxBytes) bytes")
        }
        for (seed, path) in seeds where seed.hasSuffix(".csv") { // other names are refused by ManifestRules
            let parts = seed.split(separator: "/", omittingEmptySubsequences: false)
            if seed.isEmpty || seed.hasPrefix("/") || parts.contains("..") {
                fail(path, "must be a relative path inside the plugin folder")
                continue
            }
            guard let resolved = realPath(root + "/" + seed) else { fail(path, "file \(shown)\(seed) not found"); continue }
            if !isInside(resolved, root: root) { fail(path, "must resolve to a file inside the plugin folder") }
            else if kind(resolved) != .regular { fail(path, "\(shown)\(seed) must be a regular file") }
        }
        return out
    }

    /// What a directory entry is.
    enum Kind { case regular, directory, symlink, other }

    private static func lstatKind(_ path: String) -> Kind? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return kind(of: st)
    }

    private static func kind(_ path: String) -> Kind? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return kind(of: st)
    }

    private static func kind(of st: stat) -> Kind {
        switch st.st_mode & S_IFMT {
        case S_IFREG: .regular
        case S_IFDIR: .directory
        case S_IFLNK: .symlink
        default: .other
        }
    }

    /// Where a symlink ends up: fully resolved when it resolves, else its target resolved lexically.
    private static func linkTarget(_ link: String) -> String {
        if let resolved = realPath(link) { return resolved }
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: link) else { return "/" }
        let joined = target.hasPrefix("/") ? target : (link as NSString).deletingLastPathComponent + "/" + target
        return (joined as NSString).standardizingPath
    }

    private static func isInside(_ path: String, root: String) -> Bool {
        path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
