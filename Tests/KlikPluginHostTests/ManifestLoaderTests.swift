import Foundation
import KlikCore
import Testing
@testable import KlikPluginHost

@Suite struct ManifestLoaderTests {
    static let full = #"""
    {
      "$schema": "../docs/manifest.schema.json",
      "id": "klik-lapor",
      "version": "1.2.0-rc.1",
      "kernel": ">=1.0 <2.0",
      "name": {"id": "Klik Lapor", "en": "Klik Report"},
      "description": {"id": "Laporan warga", "en": "Citizen complaints"},
      "permissions": ["storage", "notify", "users:read"],
      "routes": [
        {"method": "GET", "path": "/reports", "handler": "list", "access": "public"},
        {"method": "POST", "path": "/reports", "handler": "create"},
        {"method": "PATCH", "path": "/reports/{id}/status", "handler": "setStatus", "access": {"roles": ["petugas", "admin"]}},
        {"method": "DELETE", "path": "/reports/{id}", "handler": "remove", "access": "opd"}
      ],
      "menu": {"title": {"id": "Lapor", "en": "Report"}, "icon": "megaphone", "order": 1},
      "settings": {"type": "object", "properties": {
        "radius_m": {"type": "integer", "default": 500, "minimum": 10, "description": "Radius"}}},
      "collections": [
        {"name": "reports", "fields": [
           {"name": "title", "type": "string", "required": true},
           {"name": "body", "type": "text"},
           {"name": "opd", "type": "integer"}],
         "indexes": [{"fields": ["opd", "created_at"]}, {"fields": ["title"], "unique": true}],
         "seed": "seed/reports.csv"}
      ],
      "depends": {"klik-auth": "^1.0"},
      "events": {"emits": ["lapor.created"], "subscribes": ["auth.user_deleted"]},
      "limits": {"cpu_ms": 200, "memory_mb": 64}
    }
    """#

    @Test func fullManifestMapsEveryField() throws {
        let fx = try Fixture()
        try fx.plugin("klik-lapor", files: ["seed/reports.csv": "title,body\nA,B\n"])
        let url = fx.manifests.appendingPathComponent("klik-lapor.json")
        try fx.write(Self.full, to: url)
        let m = try ManifestLoader.load(file: url, pluginsDirectory: fx.plugins).get()
        #expect(m.id == "klik-lapor")
        #expect(m.version == SemanticVersion(major: 1, minor: 2, patch: 0, prerelease: "rc.1"))
        #expect(m.kernel.description == ">=1.0 <2.0")
        #expect(m.name == LocalizedText(id: "Klik Lapor", en: "Klik Report"))
        #expect(m.description == LocalizedText(id: "Laporan warga", en: "Citizen complaints"))
        #expect(m.permissions == [.storage, .notify, .usersRead])
        #expect(m.routes == [
            RouteSpec(method: "GET", path: "/reports", handler: "list", access: .public),
            RouteSpec(method: "POST", path: "/reports", handler: "create", access: .user),
            RouteSpec(method: "PATCH", path: "/reports/{id}/status", handler: "setStatus", access: .roles(["petugas", "admin"])),
            RouteSpec(method: "DELETE", path: "/reports/{id}", handler: "remove", access: .opdMember),
        ])
        #expect(m.menu == MenuSpec(title: LocalizedText(id: "Lapor", en: "Report"), icon: "megaphone", order: 1, audience: "public"))
        #expect(m.settings.map(SettingsSchema.defaults) == ["radius_m": 500])
        #expect(m.collections == [CollectionSpec(
            name: "reports",
            fields: [FieldSpec(name: "title", type: .string, required: true), FieldSpec(name: "body", type: .text),
                     FieldSpec(name: "opd", type: .integer)],
            indexes: [IndexSpec(fields: ["opd", "created_at"]), IndexSpec(fields: ["title"], unique: true)],
            seed: "seed/reports.csv")])
        #expect(m.depends.mapValues(\.description) == ["klik-auth": "^1.0"])
        #expect(m.events == EventsSpec(emits: ["lapor.created"], subscribes: ["auth.user_deleted"]))
        #expect(m.limits == LimitsSpec(cpuMilliseconds: 200, memoryMegabytes: 64))
        #expect(m.raw["id"] == "klik-lapor")
    }

    @Test func minimalManifestTakesDefaults() throws {
        let fx = try Fixture()
        try fx.plugin("lapor")
        let m = try fx.load(Sample.manifest()).get()
        #expect(m.permissions.isEmpty && m.routes.isEmpty && m.collections.isEmpty && m.depends.isEmpty)
        #expect(m.menu == nil && m.settings == nil)
        #expect(m.events == EventsSpec() && m.limits == LimitsSpec())
    }

    @Test func syntaxErrorIsOneViolationWithLineAndColumn() throws {
        let fx = try Fixture()
        let url = fx.manifests.appendingPathComponent("lapor.json")
        try fx.write("{\n  \"id\": \"lapor\",\n  \"version\" \"1.0.0\"\n}", to: url)
        guard case .failure(let f) = ManifestLoader.load(file: url, pluginsDirectory: fx.plugins) else { Issue.record("loaded"); return }
        #expect(f.violations.count == 1)
        #expect(f.violations[0].path == "$")
        #expect(f.violations[0].message.hasPrefix("invalid JSON at line 3, column 13"))
        #expect(f.file == url.path)
    }

    @Test func oversizedManifestIsRefusedBeforeParsing() throws {
        let fx = try Fixture()
        let url = fx.manifests.appendingPathComponent("lapor.json")
        try fx.write(String(repeating: "x", count: ManifestLoader.maxManifestBytes + 1), to: url)
        let f = ManifestLoader.load(file: url, pluginsDirectory: fx.plugins)
        guard case .failure(let failure) = f else { Issue.record("loaded"); return }
        #expect(failure.violations.map(\.description) == ["$: manifest is 262145 bytes; the limit is 262144"])
        let missing = ManifestLoader.load(file: fx.manifests.appendingPathComponent("none.json"), pluginsDirectory: fx.plugins)
        #expect((try? missing.get()) == nil)
    }

    @Test func schemaViolations() throws {
        let fx = try Fixture()
        try fx.plugin("lapor")
        let out = try fx.violations(Sample.manifest("lapor", [
            "version": "1.0", "kernel": nil, "name": ["id": "Lapor"], "colour": "red", "menu": ["icon": "x", "audience": "everyone"],
        ]))
        #expect(out.at("$.version").map(\.message) == ["must match pattern ^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$"])
        #expect(out.at("$.kernel").map(\.message) == ["is required"])
        #expect(out.at("$.name.en").map(\.message) == ["is required"])
        #expect(out.at("$.colour").first?.message.hasPrefix("unknown property (allowed: $schema, collections,") == true)
        #expect(out.at("$.menu.title").map(\.message) == ["is required"])
        #expect(out.at("$.menu.audience").map(\.message) == ["must be one of: public, user, warga, petugas, kepala_opd, admin, pimpinan"])
        #expect(out.count == 6)
    }

    @Test func idMustMatchFileNameAndPattern() throws {
        let fx = try Fixture()
        try fx.plugin("lapor")
        #expect(try fx.violations(Sample.manifest("lapor"), file: "other.json").map(\.description)
            == ["$.id: must equal the file name without .json (file is other.json)"])
        let traversal = try fx.violations(Sample.manifest("../x"), file: "x.json")
        #expect(traversal.at("$.id").first?.message == "must match pattern ^[a-z][a-z0-9-]{1,40}$")
        #expect(!traversal.contains { $0.message.contains("plugin folder") })
    }

    @Test func kernelAndDependsRangesMustParse() throws {
        let fx = try Fixture()
        try fx.plugin("lapor")
        let out = try fx.violations(Sample.manifest("lapor", ["kernel": "~>1.0", "depends": ["Bad_Id": "^1.0", "auth": "one"]]))
        #expect(out.map(\.description) == [
            "$.kernel: invalid version range; expected e.g. ^1.0 or >=1.0 <2.0",
            "$.depends.Bad_Id: key must be a plugin id matching ^[a-z][a-z0-9-]{1,40}$",
            "$.depends.auth: invalid version range; expected e.g. ^1.0 or >=1.0 <2.0",
        ])
    }

    @Test func permissions() throws {
        let fx = try Fixture()
        try fx.plugin("lapor")
        let out = try fx.violations(Sample.manifest("lapor", ["permissions": ["storage", "network", "storage"]]))
        #expect(out.map(\.description) == [
            "$.permissions[2]: storage is listed more than once (first at [0])",
            "$.permissions[1]: must be one of: storage, notify, sla, schedule, users:read, files",
        ])
    }

    @Test func limitsAboveKernelMaxima() throws {
        let fx = try Fixture()
        try fx.plugin("lapor")
        let out = try fx.violations(Sample.manifest("lapor", ["limits": ["cpu_ms": 1001, "memory_mb": 257]]))
        #expect(out.map(\.description) == ["$.limits.cpu_ms: must be at most 1000", "$.limits.memory_mb: must be at most 256"])
        #expect(try fx.violations(Sample.manifest("lapor", ["limits": ["cpu_ms": 1000, "memory_mb": 256]])).isEmpty)
    }

    @Test func settingsMustPassSettingsCheck() throws {
        let fx = try Fixture()
        try fx.plugin("lapor")
        let out = try fx.violations(Sample.manifest("lapor", ["settings": ["type": "object", "properties": ["n": ["type": "integer"]]]]))
        #expect(out.map(\.description) == ["$.settings.properties.n.description: is required", "$.settings.properties.n.default: is required"])
    }
}

@Suite struct ManifestLoaderRobustnessTests {
    @Test func oddShapesAreReportedNotCrashedOn() throws {
        let fx = try Fixture()
        try fx.plugin("lapor")
        let shapes: [JSONValue] = [
            [], "x", nil, 3,
            Sample.manifest("lapor", ["routes": [1, ["path": 3, "method": [], "handler": nil]], "collections": "c",
                                      "depends": [1], "limits": ["cpu_ms": .number(1.5)], "settings": [], "menu": 0]),
            Sample.manifest("lapor", ["collections": [["name": "c", "fields": [1], "indexes": [["fields": [2]]], "seed": 5]]]),
        ]
        for shape in shapes {
            let out = try fx.violations(shape, file: "lapor.json")
            #expect(!out.isEmpty, "\(JSONWriter.string(shape))")
        }
        #expect(try fx.violations([], file: "lapor.json").map(\.description) == ["$: must be an object (found array)"])
    }
}
