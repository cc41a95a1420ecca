import Foundation
import KlikCore
import Testing
@testable import KlikPluginHost

@Suite struct ManifestSchemaTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func publishedCopyIsByteIdentical() throws {
        let published = try Data(contentsOf: Self.repoRoot.appendingPathComponent("docs/manifest.schema.json"))
        #expect(published == Data(ManifestSchema.text.utf8))
    }

    @Test func parsesAndDocumentsEveryProperty() throws {
        let schema = try JSONParser.parse(ManifestSchema.text)
        var undocumented: [String] = []
        func walk(_ node: JSONValue, _ path: String) {
            guard case .object(let o) = node else { return }
            for (name, prop) in o["properties"]?.objectValue ?? [:] {
                if prop["description"]?.stringValue?.isEmpty ?? true { undocumented.append(path + "." + name) }
                walk(prop, path + "." + name)
            }
            for (name, def) in o["$defs"]?.objectValue ?? [:] { walk(def, path + ".$defs." + name) }
            if let items = o["items"] { walk(items, path + "[]") }
            for (i, branch) in (o["anyOf"]?.arrayValue ?? []).enumerated() { walk(branch, path + ".anyOf\(i)") }
        }
        walk(schema, "$")
        #expect(undocumented.isEmpty, "\(undocumented)")
        #expect(schema["properties"]?["permissions"]?["default"] == .array([]))
        #expect(schema["properties"]?["menu"]?["properties"]?["audience"]?["default"] == "public")
    }

    @Test func schemaAgreesWithTheSwiftConstants() throws {
        let schema = ManifestSchema.value
        #expect(schema["properties"]?["limits"]?["properties"]?["cpu_ms"]?["maximum"] == .integer(Int64(KernelLimits.maxCPUMilliseconds)))
        #expect(schema["properties"]?["limits"]?["properties"]?["memory_mb"]?["maximum"] == .integer(Int64(KernelLimits.maxMemoryMegabytes)))
        #expect(schema["properties"]?["permissions"]?["items"]?["enum"] == .array(Permission.allCases.map { .string($0.rawValue) }))
        #expect(schema["$defs"]?["field"]?["properties"]?["type"]?["enum"] == .array(FieldType.allCases.map { .string($0.rawValue) }))
        let roles = schema["$defs"]?["route"]?["properties"]?["access"]?["anyOf"]?.arrayValue?.last?["properties"]?["roles"]?["items"]?["enum"]
        #expect(roles == .array(AccessRule.roleNames.map { .string($0) }))
        #expect(schema["properties"]?["id"]?["pattern"] == .string(ManifestRules.idPattern))
    }

    @Test func exampleManifestValidatesAgainstTheSchemaAlone() throws {
        let manifest = try JSONParser.parse(ManifestLoaderTests.full)
        #expect(JSONSchemaValidator.validate(manifest, against: ManifestSchema.value).isEmpty)
    }
}
