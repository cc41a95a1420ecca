import Foundation
import KlikCore
import Testing
@testable import KlikPluginHost

@Suite struct ManifestRulesTests {
    func violations(_ overrides: [String: JSONValue?]) throws -> [String] {
        let fx = try Fixture()
        try fx.plugin("lapor")
        return try fx.violations(Sample.manifest("lapor", overrides)).map(\.description)
    }

    @Test func routePaths() throws {
        let out = try violations(["routes": [
            Sample.route("GET", "reports"),
            Sample.route("GET", "/a/../b"),
            Sample.route("GET", "/a//b/"),
            Sample.route("GET", "/a/{Id}/{x}/{x}"),
            Sample.route("GET", "/a b/%2e"),
            Sample.route("GET", "/"),
            Sample.route("POST", "/items/{id}"),
            Sample.route("GET", "/ok.v1/~x-y_z"),
        ]])
        #expect(out == [
            "$.routes[0].path: must start with '/'",
            "$.routes[1].path: must not contain '..' segments",
            "$.routes[2].path: must not contain empty segments ('//' or a trailing '/')",
            "$.routes[3].path: parameter {Id} must match ^[a-z_][a-z0-9_]*$",
            "$.routes[3].path: parameter {x} appears more than once",
            "$.routes[4].path: segment 'a b' must be [A-Za-z0-9._~-]+ or a {param}",
            "$.routes[4].path: segment '%2e' must be [A-Za-z0-9._~-]+ or a {param}",
        ])
    }

    @Test func duplicateRoutesAndHandlerNames() throws {
        let out = try violations(["routes": [
            Sample.route("GET", "/items/{id}"),
            Sample.route("GET", "/items/{key}"),
            Sample.route("DELETE", "/items/{id}"),
            Sample.route("PUT", "/items", "9lives"),
            Sample.route("get", "/x", "a.b"),
            Sample.route("POST", "/y", access: ["roles": ["root"]]),
            Sample.route("POST", "/z", access: "everyone"),
        ]])
        #expect(out.sorted() == [
            "$.routes[1].path: duplicate route GET /items/{key} (also at $.routes[0])",
            "$.routes[3].handler: must match pattern ^[A-Za-z_][A-Za-z0-9_]*$",
            "$.routes[4].handler: must match pattern ^[A-Za-z_][A-Za-z0-9_]*$",
            "$.routes[4].method: must be one of: GET, POST, PUT, PATCH, DELETE",
            "$.routes[5].access.roles[0]: must be one of: warga, petugas, kepala_opd, admin, pimpinan",
            "$.routes[6].access: must be one of: public, user, opd",
        ].sorted())
    }

    @Test func collectionsFieldsAndIndexes() throws {
        let out = try violations(["collections": [
            Sample.collection("items", fields: ["title", "id", "title", "Bad"], indexes: [["title", "created_at"], ["nope"]]),
            Sample.collection("items", fields: ["a"]),
            Sample.collection("9x", fields: []),
        ]])
        #expect(out.sorted() == [
            "$.collections[0].fields[1].name: id is reserved (every record has id, created_at, updated_at)",
            "$.collections[0].fields[2].name: duplicate field title (also at fields[0])",
            "$.collections[0].fields[3].name: must match pattern ^[a-z][a-z0-9_]{0,40}$",
            "$.collections[0].indexes[1].fields[0]: unknown field nope in collection",
            "$.collections[1].name: duplicate collection items (also at $.collections[0])",
            "$.collections[2].name: must match pattern ^[a-z][a-z0-9_]{0,40}$",
        ])
    }

    @Test func manyViolationsInOneFileAreAllReported() throws {
        let out = try violations([
            "version": "one", "permissions": ["network"], "routes": [Sample.route("GET", "x")],
            "limits": ["cpu_ms": 5000], "collections": [Sample.collection("c", fields: ["created_at"])],
        ])
        #expect(Set(out.map { String($0.prefix(while: { $0 != ":" })) }) == [
            "$.version", "$.permissions[0]", "$.routes[0].path", "$.limits.cpu_ms", "$.collections[0].fields[0].name",
        ])
    }
}

@Suite struct PluginFolderTests {
    func load(_ fx: Fixture, _ overrides: [String: JSONValue?] = [:]) throws -> [String] {
        try fx.violations(Sample.manifest("lapor", overrides)).map(\.description)
    }

    @Test func folderAndMainLuaMustExist() throws {
        let fx = try Fixture()
        #expect(try load(fx) == ["$.id: plugin folder Plugins/lapor/ not found"])
        let folder = fx.plugins.appendingPathComponent("lapor")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("main.lua"), withIntermediateDirectories: true)
        #expect(try load(fx) == ["$: Plugins/lapor/main.lua must be a regular file"])
        try FileManager.default.removeItem(at: folder.appendingPathComponent("main.lua"))
        #expect(try load(fx) == ["$: Plugins/lapor/main.lua not found"])
    }

    @Test func mainLuaMustNotBeASymlink() throws {
        let fx = try Fixture()
        let folder = try fx.plugin("lapor", files: ["real.lua": "return {}"])
        try FileManager.default.removeItem(at: folder.appendingPathComponent("main.lua"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("main.lua").path, withDestinationPath: "real.lua")
        #expect(try load(fx) == ["$: Plugins/lapor/main.lua must not be a symlink"])
    }

    @Test func symlinksMustStayInsideTheFolder() throws {
        let fx = try Fixture()
        let folder = try fx.plugin("lapor", files: ["lib/a.lua": "return 1"])
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("lib/inside.lua").path, withDestinationPath: "a.lua")
        #expect(try load(fx).isEmpty)
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("lib/passwd").path, withDestinationPath: "/etc/passwd")
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("up").path, withDestinationPath: "../../Manifests")
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("dangling").path, withDestinationPath: "../../nowhere/x")
        #expect(try load(fx) == [
            "$: symlink Plugins/lapor/dangling points outside the plugin folder",
            "$: symlink Plugins/lapor/up points outside the plugin folder",
            "$: symlink Plugins/lapor/lib/passwd points outside the plugin folder",
        ])
    }

    @Test func oversizedPlugin() throws {
        let fx = try Fixture()
        let folder = try fx.plugin("lapor")
        let big = folder.appendingPathComponent("data/big.bin")
        try FileManager.default.createDirectory(at: big.deletingLastPathComponent(), withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: big.path, contents: nil))
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: UInt64(ManifestLoader.maxPluginBytes)) // sparse: cheap on disk
        try handle.close()
        #expect(try load(fx) == ["$: oversized plugin: Plugins/lapor/ holds more than 20971520 bytes"])
    }

    @Test func seeds() throws {
        let fx = try Fixture()
        try fx.plugin("lapor", files: ["seed/ok.csv": "a\n1\n", "seed/dir.csv/x": ""])
        try FileManager.default.createSymbolicLink(atPath: fx.plugins.appendingPathComponent("lapor/seed/out.csv").path,
                                                   withDestinationPath: fx.root.appendingPathComponent("secret.csv").path)
        try fx.write("x\n", to: fx.root.appendingPathComponent("secret.csv"))
        let collections: JSONValue = .array(["seed/ok.csv", "../other/x.csv", "/etc/x.csv", "seed/none.csv", "seed/ok.txt",
                                             "seed/dir.csv", "seed/out.csv"].enumerated().map { i, seed in
            Sample.collection("c\(i)", fields: ["a"], seed: seed)
        })
        let out = try load(fx, ["collections": collections])
        #expect(out == [
            "$.collections[4].seed: must end in .csv",
            "$: symlink Plugins/lapor/seed/out.csv points outside the plugin folder",
            "$.collections[1].seed: must be a relative path inside the plugin folder",
            "$.collections[2].seed: must be a relative path inside the plugin folder",
            "$.collections[3].seed: file Plugins/lapor/seed/none.csv not found",
            "$.collections[5].seed: Plugins/lapor/seed/dir.csv must be a regular file",
            "$.collections[6].seed: must resolve to a file inside the plugin folder",
        ])
    }
}
