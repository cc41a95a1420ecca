// LuaSandbox: the safe Swift surface over one sandboxed Lua state (C side: CKlikLua).
import CKlikLua
import Foundation
import KlikCore

/// One sandboxed Lua 5.4 state for one plugin: allowlisted env, time and memory budgets,
/// host functions behind read-only tables. All Lua runs in C under protection; Swift only
/// exchanges encoded buffers with it (see LuaCodec), so no Lua error crosses a Swift frame.
///
/// `@unchecked Sendable`: it may move between threads, but it is used by one thread at a time
/// (the owner serialises calls); calls must run on a large stack (`withLargeStack`).
public final class LuaSandbox: @unchecked Sendable {
    public let name: String
    public let limits: LuaLimits
    public let moduleRoot: URL?
    private let log: @Sendable (LogLevel, String) -> Void
    private var state: OpaquePointer?
    private var hostFunctions: [HostFunction] = []

    private enum HostFunction {
        case values(LuaHostFunction)
        case writing(LuaWritingHostFunction)
    }

    public init(name: String, limits: LuaLimits = LuaLimits(), moduleRoot: URL?,
                log: @escaping @Sendable (LogLevel, String) -> Void) throws {
        self.name = name
        self.limits = limits
        self.moduleRoot = moduleRoot
        self.log = log
        let root = moduleRoot?.standardizedFileURL.path
        var config = klik_config()
        config.memory_cap = max(limits.memoryBytes, 1 << 20)
        config.allocation_cap = max(limits.maxAllocationBytes, 1 << 16)
        config.max_source = max(limits.maxSourceBytes, 0)
        config.ctx = Unmanaged.passUnretained(self).toOpaque()
        config.host = sandboxHostCallback
        config.log = sandboxLogCallback
        state = root.map { path in path.withCString { config.module_root = $0; return klik_open(&config) } }
            ?? klik_open(&config)
        guard state != nil else {
            throw LuaError(kind: .outOfMemory, message: "could not create the Lua state for \(name)")
        }
    }

    deinit {
        klik_close(state)
    }

    /// True after a budget trip: the owner must discard this state and build a fresh one.
    public var isPoisoned: Bool { klik_poisoned(state) != 0 }
    /// Bytes the state's allocator currently holds.
    public var memoryInUse: Int { klik_memory_in_use(state) }
    /// Bridge buffers not yet released (returns to 0 after every call).
    public var liveReferences: Int { klik_live_objects(state) }

    /// Installs host functions (and constant values) into a read-only table at a dotted path,
    /// e.g. "klik.db"; a later call for "klik.json" adds a sibling.
    /// `writing` functions answer their results already encoded (see `LuaValueWriter`).
    public func installHostTable(_ path: String, functions: [String: LuaHostFunction],
                                 writing: [String: LuaWritingHostFunction] = [:],
                                 values: [String: LuaValue] = [:]) throws {
        guard path.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ !$0.isEmpty }) else {
            throw LuaError(kind: .refused, message: "invalid host table path '\(path)'")
        }
        var ids: [String: LuaValue] = [:]
        for (name, function) in functions {
            ids[name] = .integer(Int64(hostFunctions.count))
            hostFunctions.append(.values(function))
        }
        for (name, function) in writing {
            ids[name] = .integer(Int64(hostFunctions.count))
            hostFunctions.append(.writing(function))
        }
        let fns = LuaCodec.encode(.table(ids)), vals = LuaCodec.encode(.table(values))
        var result = klik_result()
        defer { klik_result_free(&result) }
        fns.withUnsafeBufferPointer { f in
            vals.withUnsafeBufferPointer { v in
                _ = klik_install(state, path, f.baseAddress, f.count, v.baseAddress, v.count, &result)
            }
        }
        try check(result)
    }

    /// Runs trusted kernel source (a prelude) in the plugin env under the load budget.
    public func runTrusted(source: String, chunkName: String) throws {
        _ = try run(Int32(KLIK_RUN_TRUSTED), "=" + chunkName, Array(source.utf8), limits.loadBudget)
    }

    /// Loads a plugin module from text under the load budget; its returned table becomes the module.
    public func loadModule(source: String, chunkName: String) throws {
        _ = try run(Int32(KLIK_RUN_LOAD_MODULE), "=" + chunkName, Array(source.utf8), limits.loadBudget)
    }

    /// Loads a module file; refuses files (or symlinks) resolving outside `moduleRoot`.
    public func loadModule(file: URL) throws {
        guard let real = realpath(file.path, nil) else {
            throw LuaError(kind: .notFound, message: "module file \(file.lastPathComponent) not found")
        }
        let resolved = String(cString: real)
        free(real)
        if let root = moduleRoot, let rootReal = realpath(root.path, nil) {
            let prefix = String(cString: rootReal).hasSuffix("/") ? String(cString: rootReal) : String(cString: rootReal) + "/"
            free(rootReal)
            guard resolved.hasPrefix(prefix) else {
                throw LuaError(kind: .refused, message: "module file \(file.lastPathComponent) resolves outside the module folder")
            }
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: resolved)
        guard attributes?[.type] as? FileAttributeType == .typeRegular, let size = attributes?[.size] as? Int else {
            throw LuaError(kind: .refused, message: "module file \(file.lastPathComponent) is not a regular file")
        }
        guard size <= limits.maxSourceBytes else {
            throw LuaError(kind: .refused, message: "module file \(file.lastPathComponent) is larger than the limit")
        }
        guard let data = FileManager.default.contents(atPath: resolved) else {
            throw LuaError(kind: .notFound, message: "module file \(file.lastPathComponent) could not be read")
        }
        _ = try run(Int32(KLIK_RUN_LOAD_MODULE), "@" + file.lastPathComponent, Array(data), limits.loadBudget)
    }

    /// Names of the functions in the loaded module table, sorted.
    public var moduleFunctionNames: [String] {
        var result = klik_result()
        defer { klik_result_free(&result) }
        guard klik_module_names(state, &result) == 0, let data = result.data,
              let names = try? LuaCodec.decodeArray(UnsafeRawBufferPointer(start: data, count: result.data_len))
        else { return [] }
        return names.compactMap { if case .string(let s) = $0 { s } else { nil } }.sorted()
    }

    /// Calls module[function](args...) as a coroutine under the call budget.
    public func call(_ function: String, _ args: [LuaValue]) throws -> [LuaValue] {
        try run(Int32(KLIK_RUN_CALL_MODULE), function, LuaCodec.encode(array: args), limits.callBudget)
    }

    /// Calls module[function] with arguments already encoded by a `LuaValueWriter`.
    public func call(_ function: String, arguments: LuaValueWriter) throws -> [LuaValue] {
        try run(Int32(KLIK_RUN_CALL_MODULE), function, arguments.bytes, limits.callBudget)
    }

    /// Calls a global function of the plugin env (e.g. one defined by the prelude) the same way.
    public func callGlobal(_ function: String, _ args: [LuaValue]) throws -> [LuaValue] {
        try run(Int32(KLIK_RUN_CALL_GLOBAL), function, LuaCodec.encode(array: args), limits.callBudget)
    }

    /// The single funnel into klik_run (which itself saves and restores the Lua stack).
    private func run(_ mode: Int32, _ name: String, _ payload: [UInt8], _ budget: Duration) throws -> [LuaValue] {
        var result = klik_result()
        defer { klik_result_free(&result) }
        payload.withUnsafeBufferPointer { p in
            _ = klik_run(state, mode, name, p.baseAddress, p.count, budget.klikNanoseconds, &result)
        }
        try check(result)
        guard let data = result.data else { return [] }
        do {
            return try LuaCodec.decodeArray(UnsafeRawBufferPointer(start: data, count: result.data_len))
        } catch let error as LuaCodec.Malformed {
            throw LuaError(kind: .refused, message: "result cannot be converted: \(error.why)")
        }
    }

    private func check(_ result: klik_result) throws {
        guard result.kind != 0 else { return }
        func text(_ p: UnsafeMutablePointer<CChar>?, _ n: Int) -> String? {
            p.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: n), as: UTF8.self) }
        }
        throw LuaError(code: result.kind, message: text(result.message, result.message_len) ?? "unknown error",
                       traceback: text(result.traceback, result.traceback_len))
    }

    /// Runs host function `id` for the C trampoline; never throws, returns 0 or 1 (error message).
    fileprivate func runHost(_ id: Int, _ args: UnsafeRawBufferPointer) -> (Int32, [UInt8]) {
        guard hostFunctions.indices.contains(id) else { return (1, Array("unknown host function".utf8)) }
        do {
            let values = try LuaCodec.decodeArray(args)
            switch hostFunctions[id] {
            case .values(let function): return (0, LuaCodec.encode(array: try function(values)))
            case .writing(let function): return (0, try function(values).bytes)
            }
        } catch let error as LuaHostError {
            return (1, Array(error.message.utf8))
        } catch let error as LuaCodec.Malformed {
            return (1, Array("host function arguments: \(error.why)".utf8))
        } catch {
            return (1, Array("host function failed".utf8))
        }
    }

    fileprivate func emit(_ level: Int32, _ line: String) {
        log(level == 2 ? .warn : .info, line)
    }
}

private let sandboxHostCallback: klik_host_fn = { ctx, id, args, argsLength, out, outLength in
    let sandbox = Unmanaged<LuaSandbox>.fromOpaque(ctx!).takeUnretainedValue()
    let (status, bytes) = sandbox.runHost(Int(id), UnsafeRawBufferPointer(start: args, count: argsLength))
    let buffer = malloc(max(bytes.count, 1))!.assumingMemoryBound(to: UInt8.self)
    if !bytes.isEmpty { bytes.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: bytes.count) } }
    out!.pointee = buffer
    outLength!.pointee = bytes.count
    return status
}

private let sandboxLogCallback: klik_log_fn = { ctx, level, message, length in
    let sandbox = Unmanaged<LuaSandbox>.fromOpaque(ctx!).takeUnretainedValue()
    let line = String(decoding: UnsafeRawBufferPointer(start: message, count: length), as: UTF8.self)
    sandbox.emit(level, line)
}
