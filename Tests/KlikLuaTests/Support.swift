// Helpers for KlikLuaTests: sandboxes with a recording log, timing, temp folders.
import Foundation
import KlikCore
import Synchronization
@testable import KlikLua

/// Collects a sandbox's log lines for assertions.
final class LogSink: Sendable {
    private let storage = Mutex<[(LogLevel, String)]>([])
    var lines: [String] { storage.withLock { $0.map(\.1) } }
    func record(_ level: LogLevel, _ line: String) { storage.withLock { $0.append((level, line)) } }
}

/// A sandbox loaded with `source` as its module, plus its log.
func makeSandbox(_ source: String? = nil, limits: LuaLimits = LuaLimits(), root: URL? = nil) throws -> (LuaSandbox, LogSink) {
    let sink = LogSink()
    let sandbox = try LuaSandbox(name: "test", limits: limits, moduleRoot: root, log: { sink.record($0, $1) })
    if let source { try sandbox.loadModule(source: source, chunkName: "main.lua") }
    return (sandbox, sink)
}

/// Runs a Lua snippet as the body of module function `f` on a large stack; returns its results.
func runLua(_ body: String, limits: LuaLimits = LuaLimits()) throws -> [LuaValue] {
    try withLargeStack {
        let (sandbox, _) = try makeSandbox("local M = {} function M.f(...) \(body)\n end return M", limits: limits)
        return try sandbox.call("f", [])
    }
}

/// The LuaError a throwing expression produced, or nil.
func luaError(_ body: () throws -> Any) -> LuaError? {
    do { _ = try body(); return nil } catch let e as LuaError { return e } catch { return nil }
}

/// Wall-clock seconds a block took.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = Monotonic.nanoseconds()
    try body()
    return Double(Monotonic.nanoseconds() - start) / 1e9
}

/// A fresh temporary folder.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("kliklua-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
