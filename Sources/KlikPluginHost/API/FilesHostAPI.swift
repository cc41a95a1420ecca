import KlikCore
import KlikFiles
import KlikHTTP
import KlikLua

/// `__klik_host.files`: the raw functions behind `klik.files` (permission `files`). Uploads are
/// named by the handle in `req.files`, valid during that request only; plugins get ids, types
/// and sizes, never paths or bytes.
struct FilesHostAPI {
    let runtime: PluginRuntime
    let context: CallContext
    let store: FileStore

    var rules: StoreRules {
        let limits = runtime.manifest.limits
        return StoreRules(maxBytes: (limits.fileMegabytes ?? KernelLimits.defaultFileMegabytes) << 20,
                          quotaBytes: (limits.filesQuotaMegabytes ?? KernelLimits.defaultFilesQuotaMegabytes) << 20)
    }

    static func table(_ f: StoredFile) -> LuaValue {
        .table(["id": .string(f.id), "type": .string(f.type.mediaType), "size": .integer(Int64(f.size)),
                "sha256": .string(f.sha256), "width": .integer(Int64(f.width)), "height": .integer(Int64(f.height)),
                "created_at": .string(f.createdAt)])
    }

    /// The upload an argument names: a `req.files` entry or its `handle`.
    func upload(_ v: LuaValue?) throws -> MultipartFile {
        let handle = v?["handle"]?.stringValue ?? v?.stringValue
        guard let handle, handle.hasPrefix("upload-"), let n = Int(handle.dropFirst(7)), n >= 1, n <= context.uploads.count else {
            throw LuaHostError("klik.files.store: an entry of req.files of the current request expected")
        }
        return context.uploads[n - 1]
    }

    func fileId(_ v: LuaValue?, _ fn: String) throws -> String {
        guard let id = v?.stringValue, id.utf8.count <= 64 else { throw LuaHostError("klik.files.\(fn): a file id (a string) expected") }
        return id
    }

    /// Storage failures other than the upload's own problems become a generic Lua error.
    func guarded(_ name: String, _ body: () throws -> [LuaValue]) throws -> [LuaValue] {
        do {
            return try body()
        } catch let error as LuaHostError {
            throw error
        } catch {
            runtime.pluginLog.write(.error, "file storage error", [("error", .string("\(error)"))], requestId: context.requestId)
            throw LuaHostError("\(name): storage error")
        }
    }

    func functions() -> [String: LuaHostFunction] {
        let plugin = runtime.manifest.id
        return [
            // store(file[, {max_bytes =, types = {"jpeg", "png", "webp"}}]) → file | nil, problem
            "store": { args in
                let upload = try upload(args.first)
                var rules = rules
                if let opts = args.count > 1 ? args[1].tableEntries : nil {
                    if let max = opts["max_bytes"]?.intValue {
                        guard max >= 1 else { throw LuaHostError("klik.files.store: max_bytes must be a positive integer") }
                        rules.maxBytes = min(rules.maxBytes, Int(max))
                    }
                    if let types = opts["types"] {
                        guard case .array(let list) = types, !list.isEmpty else { throw LuaHostError("klik.files.store: types must be a list such as {\"jpeg\", \"png\"}") }
                        rules.types = Set(try list.map { v in
                            guard let t = v.stringValue.flatMap(ImageType.init(rawValue:)) else {
                                throw LuaHostError("klik.files.store: types may hold \"jpeg\", \"png\" and \"webp\"")
                            }
                            return t
                        })
                    }
                }
                do {
                    let file = try store.store(plugin: plugin, data: upload.data, rules: rules, field: upload.field,
                                               on: context.transaction?.connection)
                    return [FilesHostAPI.table(file)]
                } catch let error as FileError where error.status != 500 {
                    return [.nil_, .table(["status": .integer(Int64(error.status)), "code": .string(error.code), "field": .string(upload.field),
                                           "message": .string("\(error.id) / \(error.en)"), "message_id": .string(error.id),
                                           "message_en": .string(error.en)])]
                } catch {
                    throw LuaHostError("klik.files.store: storage error")
                }
            },
            "info": { args in
                try guarded("klik.files.info") {
                    let id = try fileId(args.first, "info")
                    return [try store.info(plugin: plugin, id: id, on: context.transaction?.connection).map(FilesHostAPI.table) ?? .nil_]
                }
            },
            "delete": { args in
                try guarded("klik.files.delete") {
                    let id = try fileId(args.first, "delete")
                    guard let digest = try store.delete(plugin: plugin, id: id, on: context.transaction?.connection) else { return [.bool(false)] }
                    if context.transaction != nil {
                        context.afterCommit.append { store.collect(plugin: plugin, digest: digest) }
                    } else {
                        store.collect(plugin: plugin, digest: digest)
                    }
                    return [.bool(true)]
                }
            },
            "usage": { _ in
                try guarded("klik.files.usage") {
                    let u = try store.usage(plugin: plugin, on: context.transaction?.connection)
                    return [.table(["files": .integer(Int64(u.files)), "bytes": .integer(Int64(u.bytes)),
                                    "quota_bytes": .integer(Int64(rules.quotaBytes)), "max_file_bytes": .integer(Int64(rules.maxBytes))])]
                }
            },
        ]
    }
}
