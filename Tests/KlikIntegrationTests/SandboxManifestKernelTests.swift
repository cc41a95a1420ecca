// SANDBOX.md case 31 against a real kernel: manifest attacks are refused field by field and
// the other plugins still load and answer.
import Foundation
import Testing
import KlikCore
import KlikKernel
import KlikPluginHost
import KlikTesting

@Suite struct SandboxManifestKernelTests {
    @Test func case31_manifestAttacksAreRefusedAndOthersLoad() throws {
        let ws = try PluginWorkspace()
        defer { ws.remove() }
        try ws.writeBenign()
        let ok = ("ok", "return { json = { ok = true } }")

        // id with ../ (in a manifest whose file name is harmless)
        try ws.write(id: "escape", handlers: [ok])
        try ws.writeManifest(id: "../escape", file: "escape", routes: ["ok"])
        // main.lua a symlink out of the folder
        let outside = ws.root.appendingPathComponent("outside.lua")
        try "return { ok = function() return { json = { pwned = true } } end }".write(to: outside, atomically: true, encoding: .utf8)
        let linky = try ws.write(id: "linky", handlers: [ok])
        try FileManager.default.removeItem(at: linky.appendingPathComponent("main.lua"))
        try FileManager.default.createSymbolicLink(at: linky.appendingPathComponent("main.lua"), withDestinationURL: outside)
        // a duplicate id: a second manifest claiming benign's id
        try ws.writeManifest(id: "benign", file: "benign-copy", routes: ["ok"])
        // a dependency cycle
        try ws.write(id: "cyc-a", handlers: [ok], extra: #""depends": { "cyc-b": "^1.0" }"#)
        try ws.write(id: "cyc-b", handlers: [ok], extra: #""depends": { "cyc-a": "^1.0" }"#)
        // a kernel range that excludes this kernel
        try ws.write(id: "future", handlers: [ok], kernelRange: "^2.0")
        // an unknown permission
        try ws.write(id: "greedy", handlers: [ok], permissions: ["root"])
        // an oversized plugin (a sparse file: its size counts, not its blocks)
        let big = try ws.write(id: "huge", handlers: [ok])
        let blob = big.appendingPathComponent("blob.bin")
        #expect(FileManager.default.createFile(atPath: blob.path, contents: nil))
        let handle = try FileHandle(forWritingTo: blob)
        try handle.truncate(atOffset: UInt64(ManifestLoader.maxPluginBytes + 1))
        try handle.close()
        // a well-behaved plugin loaded after all of them
        try ws.write(id: "zz-good", handlers: [ok])

        let kernel = try ws.start()
        defer { kernel.stop() }
        let infos = Dictionary(uniqueKeysWithValues: kernel.kernel.plugins.list().map { ($0.id, $0) })
        func refused(_ id: String, _ field: String, _ words: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let info = infos[id]
            #expect(info?.status == .failed, "\(id): \(String(describing: info))", sourceLocation: sourceLocation)
            let errors = info?.errors ?? []
            #expect(errors.contains { $0.contains(field + ": ") && $0.contains(words) }, "\(id): \(errors)", sourceLocation: sourceLocation)
            let response = try? kernel.client.get("/api/v1/\(id)/ok")
            #expect(response?.status == 404, "\(id) still answers: \(response?.text ?? "-")", sourceLocation: sourceLocation)
        }
        refused("escape", "$.id", "must match")
        refused("linky", "$", "main.lua must not be a symlink")
        refused("benign-copy", "$.id", "must equal the file name")
        refused("cyc-a", "$.depends.cyc-b", "dependency cycle cyc-a -> cyc-b -> cyc-a")
        refused("cyc-b", "$.depends.cyc-a", "dependency cycle cyc-b -> cyc-a -> cyc-b")
        refused("future", "$.kernel", "excludes this kernel's plugin API")
        refused("greedy", "$.permissions[0]", "must be one of")
        refused("huge", "$", "oversized plugin")

        #expect(infos["benign"]?.status == .active && infos["zz-good"]?.status == .active, "\(infos.mapValues(\.status))")
        #expect(json(try kernel.client.get("/api/v1/zz-good/ok"))["ok"] == true)
        try expectKernelHealthy(kernel, "case 31")
    }
}
