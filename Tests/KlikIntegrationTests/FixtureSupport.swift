import Foundation
import KlikTesting

/// Plugins used by the integration tests: fixtures from `Tests/Fixtures` and the repository's
/// own bundled plugins, copied into a fresh folder so tests can change them freely.
enum Fixtures {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repository.appendingPathComponent("Tests/Fixtures")

    /// A temporary folder with `Manifests/` and `Plugins/` holding copies of the named plugins.
    static func folder(with ids: [String]) throws -> URL {
        let dir = try TestKernel.temporaryDirectory()
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("Manifests"), withIntermediateDirectories: true)
        try fm.createDirectory(at: dir.appendingPathComponent("Plugins"), withIntermediateDirectories: true)
        for id in ids { try install(id, into: dir) }
        return dir
    }

    /// Copies plugin `id` (a fixture, or a bundled plugin) into `dir`.
    static func install(_ id: String, into dir: URL) throws {
        let fm = FileManager.default
        let base = fm.fileExists(atPath: fixtures.appendingPathComponent("Manifests/\(id).json").path) ? fixtures : repository
        try fm.copyItem(at: base.appendingPathComponent("Manifests/\(id).json"), to: dir.appendingPathComponent("Manifests/\(id).json"))
        try fm.copyItem(at: base.appendingPathComponent("Plugins/\(id)"), to: dir.appendingPathComponent("Plugins/\(id)"))
    }

    static func kernel(_ ids: [String], directory: URL? = nil) throws -> TestKernel {
        let dir = try directory ?? folder(with: ids)
        return try TestKernel(manifests: dir.appendingPathComponent("Manifests"), plugins: dir.appendingPathComponent("Plugins"), directory: dir)
    }
}
