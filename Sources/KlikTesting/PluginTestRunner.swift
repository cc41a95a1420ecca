import Foundation
import KlikCore
import KlikKernel
import KlikLua
import KlikPluginHost

/// `klik plugin test`: runs `Plugins/<id>/tests/*_test.lua` against an isolated kernel — a
/// temporary data folder, a fake clock, captured logs, only that plugin and its dependencies —
/// on a real port, so tests call the plugin's routes like a client would.
public struct PluginTestRunner {
    public let manifests: URL
    public let plugins: URL
    public let output: (String) -> Void

    public struct Summary: Sendable { public var passed = 0; public var failed = 0 }

    public init(manifests: URL, plugins: URL, output: @escaping (String) -> Void) {
        self.manifests = manifests
        self.plugins = plugins
        self.output = output
    }

    /// Tests the given plugins, or every plugin with a manifest when `ids` is empty.
    public func run(_ ids: [String]) -> Summary {
        var summary = Summary()
        let all = ids.isEmpty ? discover() : ids
        for id in all { test(id, into: &summary) }
        return summary
    }

    func discover() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: manifests.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    private func test(_ id: String, into summary: inout Summary) {
        output("\(id)")
        let kernel: TestKernel
        do {
            kernel = try TestKernel(manifests: manifests, plugins: plugins) { config in
                config.onlyPlugins = [id]
                config.logLevel = .debug
                config.timerThread = false // timers.tick() in the tests runs them, deterministically
            }
        } catch {
            output("  ✗ kernel did not start: \(error)")
            summary.failed += 1
            return
        }
        defer { kernel.stop() }
        guard let runtime = kernel.kernel.plugins.activeRuntime(id) else {
            let info = kernel.kernel.plugins.list().first { $0.id == id }
            output("  ✗ plugin did not load")
            for e in info?.errors ?? ["no manifest Manifests/\(id).json"] { output("      \(e)") }
            summary.failed += 1
            return
        }
        let folder = plugins.appendingPathComponent(id).appendingPathComponent("tests")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix("_test.lua") }.sorted()
        if files.isEmpty { output("  (no tests in Plugins/\(id)/tests/*_test.lua)") }
        let callers = TestCallers(kernel: kernel)
        for file in files {
            runFile(folder.appendingPathComponent(file), id: id, runtime: runtime, kernel: kernel, callers: callers, summary: &summary)
        }
    }

    private func runFile(_ file: URL, id: String, runtime: PluginRuntime, kernel: TestKernel, callers: TestCallers, summary: inout Summary) {
        let name = "tests/" + file.lastPathComponent
        let result: Result<[(String, Bool, String)], Error> = Result {
            try withLargeStack {
                let limits = LuaLimits(callBudget: .seconds(10), loadBudget: .seconds(5), memoryBytes: 256 << 20)
                let sandbox = try runtime.makeTestSandbox(limits: limits) { sandbox in
                    try sandbox.installHostTable("__klik_test", functions: TestHostFunctions.make(id: id, kernel: kernel, callers: callers))
                }
                try sandbox.runTrusted(source: LuaTestFramework.source, chunkName: "klik-test")
                guard let source = try? String(contentsOf: file, encoding: .utf8) else {
                    throw LuaError(kind: .notFound, message: "\(name) cannot be read as UTF-8")
                }
                try sandbox.runTrusted(source: source, chunkName: name)
                let count = try sandbox.callGlobal("__klik_test_count", []).first?.intValue ?? 0
                var results: [(String, Bool, String)] = []
                for i in 0..<count {
                    let r = try sandbox.callGlobal("__klik_test_run", [.integer(i + 1)]).first
                    results.append((r?["name"]?.stringValue ?? "?", r?["ok"] == .bool(true), r?["message"]?.stringValue ?? ""))
                }
                return results
            }
        }
        switch result {
        case .success(let results):
            for (testName, ok, message) in results {
                if ok {
                    summary.passed += 1
                    output("  ✓ \(testName)")
                } else {
                    summary.failed += 1
                    output("  ✗ \(testName)\n      \(message)")
                }
            }
        case .failure(let error):
            summary.failed += 1
            let message = (error as? LuaError)?.message ?? "\(error)"
            output("  ✗ \(name) could not run: \(message)")
        }
    }
}
