import Foundation
import KlikCore

/// Reads and validates one manifest file: size, JSON syntax, the published schema, semantic rules and the plugin folder.
public enum ManifestLoader {
    public static let maxManifestBytes = 256 * 1024
    public static let maxPluginBytes = 20 * 1024 * 1024

    /// Reads Manifests/<id>.json, parses it (a JSON syntax error → one violation "$" naming line and column), validates it
    /// against the published schema AND the semantic checks; all violations, not just the first.
    public static func load(file: URL, pluginsDirectory: URL) -> Result<PluginManifest, ManifestFailure> {
        func failure(_ violations: [ManifestViolation]) -> Result<PluginManifest, ManifestFailure> {
            .failure(ManifestFailure(file: file.path, violations: violations))
        }
        let bytes: [UInt8]
        switch read(file) {
        case .success(let b): bytes = b
        case .failure(let e): return failure([ManifestViolation(path: "$", message: e.message)])
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            return failure([ManifestViolation(path: "$", message: "invalid JSON at line \(error.line), column \(error.column): \(error.reason)")])
        }
        let violations = validate(json, fileName: file.lastPathComponent, pluginsDirectory: pluginsDirectory)
        guard violations.isEmpty else { return failure(violations) }
        guard let manifest = ManifestDecoder.decode(json) else {
            return failure([ManifestViolation(path: "$", message: "manifest could not be read after validation")])
        }
        return .success(manifest)
    }

    /// Schema violations first, then semantic ones at paths the schema did not already flag.
    static func validate(_ json: JSONValue, fileName: String, pluginsDirectory: URL) -> [ManifestViolation] {
        var violations = JSONSchemaValidator.validate(json, against: ManifestSchema.value)
        var semantic = ManifestRules.check(json)
        if let id = json["id"]?.stringValue {
            if fileName != id + ".json" {
                semantic.append(ManifestViolation(path: "$.id", message: "must equal the file name without .json (file is \(fileName))"))
            }
            if Patterns.whole(ManifestRules.idPattern, id) {
                let seeds = (json["collections"]?.arrayValue ?? []).enumerated().compactMap { i, c in
                    c["seed"]?.stringValue.map { (seed: $0, path: JSONPath.index("$.collections", i) + ".seed") }
                }
                semantic += PluginFolderCheck.check(id: id, pluginsDirectory: pluginsDirectory, seeds: seeds, maxBytes: maxPluginBytes)
            }
        }
        let flagged = Set(violations.map(\.path))
        for v in semantic where !flagged.contains(v.path) && !violations.contains(v) {
            violations.append(v)
        }
        return violations
    }

    /// The file's bytes, refusing missing, non-regular and oversized files before reading them whole.
    private static func read(_ file: URL) -> Result<[UInt8], ReadError> {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        } catch {
            return .failure(ReadError(message: "cannot read manifest file"))
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            return .failure(ReadError(message: "manifest must be a regular file"))
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maxManifestBytes else {
            return .failure(ReadError(message: "manifest is \(size) bytes; the limit is \(maxManifestBytes)"))
        }
        guard let handle = FileHandle(forReadingAtPath: file.path) else {
            return .failure(ReadError(message: "cannot read manifest file"))
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maxManifestBytes + 1)) ?? Data()
        guard data.count <= maxManifestBytes else {
            return .failure(ReadError(message: "manifest is larger than \(maxManifestBytes) bytes"))
        }
        return .success([UInt8](data))
    }

    /// Why the file could not be read; reported at "$".
    struct ReadError: Error {
        let message: String
    }
}
