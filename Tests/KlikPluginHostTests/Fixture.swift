import Foundation
import KlikCore
@testable import KlikPluginHost

/// A temporary Klik root with `Manifests/` and `Plugins/`, removed when released.
final class Fixture {
    let root: URL
    var manifests: URL { root.appendingPathComponent("Manifests") }
    var plugins: URL { root.appendingPathComponent("Plugins") }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("klik-manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Manifests"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Plugins"), withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Creates `Plugins/<id>/` with a `main.lua` and the given extra files (relative path → contents).
    @discardableResult
    func plugin(_ id: String, files: [String: String] = [:]) throws -> URL {
        let folder = plugins.appendingPathComponent(id)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try write("return {}\n", to: folder.appendingPathComponent("main.lua"))
        for (path, text) in files { try write(text, to: folder.appendingPathComponent(path)) }
        return folder
    }

    func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// Writes `json` as `Manifests/<file>` and loads it.
    func load(_ json: JSONValue, file: String? = nil) throws -> Result<PluginManifest, ManifestFailure> {
        let name = file ?? ((json["id"]?.stringValue ?? "x") + ".json")
        let url = manifests.appendingPathComponent(name)
        try write(JSONWriter.string(json), to: url)
        return ManifestLoader.load(file: url, pluginsDirectory: plugins)
    }

    /// The violations of loading `json` (empty when it loads).
    func violations(_ json: JSONValue, file: String? = nil) throws -> [ManifestViolation] {
        switch try load(json, file: file) {
        case .success: return []
        case .failure(let f): return f.violations
        }
    }
}

/// Sample manifests for tests.
enum Sample {
    static func text(_ s: String) -> JSONValue { ["id": .string(s + " (id)"), "en": .string(s)] }

    /// A minimal valid manifest for `id`, with top-level fields replaced (or removed when the override is nil).
    static func manifest(_ id: String = "lapor", _ overrides: [String: JSONValue?] = [:]) -> JSONValue {
        var m: [String: JSONValue] = [
            "id": .string(id), "version": "1.0.0", "kernel": "^1.0",
            "name": text("Report"), "description": text("Citizen reports"),
        ]
        for (k, v) in overrides { m[k] = v }
        return .object(m)
    }

    static func route(_ method: String = "GET", _ path: String, _ handler: String = "list", access: JSONValue? = nil) -> JSONValue {
        var r: [String: JSONValue] = ["method": .string(method), "path": .string(path), "handler": .string(handler)]
        if let access { r["access"] = access }
        return .object(r)
    }

    static func collection(_ name: String, fields: [String], indexes: [[String]] = [], seed: String? = nil) -> JSONValue {
        var c: [String: JSONValue] = [
            "name": .string(name),
            "fields": .array(fields.map { ["name": .string($0), "type": "string"] }),
            "indexes": .array(indexes.map { ["fields": .array($0.map { .string($0) })] }),
        ]
        if let seed { c["seed"] = .string(seed) }
        return .object(c)
    }
}

extension Array where Element == ManifestViolation {
    func at(_ path: String) -> [ManifestViolation] { filter { $0.path == path } }
    var paths: [String] { map(\.path) }
}
