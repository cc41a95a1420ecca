#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KlikCore
import KlikStorage

/// Stores plugins' images durably under `<data>/files/<plugin>/`, content-addressed, with their
/// metadata in `klik_files`. Every store sniffs the type from the bytes, strips metadata and
/// writes the clean bytes with a temporary file, `fsync` and an atomic rename. Placing a blob and
/// removing an unused one both happen under the database's single writer, so they cannot race.
public final class FileStore: Sendable {
    public let root: URL
    let database: Database
    let clock: any Clock
    let logger: Logger

    public init(root: URL, database: Database, clock: any Clock, logger: Logger) {
        self.root = root
        self.database = database
        self.clock = clock
        self.logger = logger
    }

    // MARK: store

    /// Cleans and stores `data` for `plugin`. With `connection` (the plugin's open transaction)
    /// the row is part of that transaction; a rolled-back store leaves an unreferenced blob that
    /// `sweep` removes.
    public func store(plugin: String, data: ArraySlice<UInt8>, rules: StoreRules, field: String,
                      on connection: Connection?) throws(FileError) -> StoredFile {
        if data.isEmpty {
            throw FileError(status: 400, code: "empty_file", id: "\(field): berkas kosong", en: "\(field): the file is empty")
        }
        if data.count > rules.maxBytes {
            throw FileError(status: 413, code: "file_too_large", id: "\(field): berkas melebihi \(megabytes(rules.maxBytes))",
                            en: "\(field): the file exceeds \(megabytes(rules.maxBytes))")
        }
        let image: CleanedImage
        do {
            image = try ImageCleaner.clean(data)
        } catch {
            throw FileError(status: error.code == "unsupported_type" ? 415 : 400, code: error.code,
                            id: "\(field): \(error.id)", en: "\(field): \(error.en)")
        }
        guard rules.types.contains(image.type) else {
            let allowed = rules.types.map { $0.rawValue.uppercased() }.sorted().joined(separator: ", ")
            throw FileError(status: 415, code: "unsupported_type", id: "\(field): jenis berkas harus \(allowed)",
                            en: "\(field): the file type must be \(allowed)")
        }
        let folder = root.appendingPathComponent(plugin)
        let (temporary, digest) = try writeTemporary(image, source: data, folder: folder)
        let file = StoredFile(id: "f_" + Self.randomHex(12), plugin: plugin, sha256: digest, type: image.type, size: image.size,
                              width: image.width, height: image.height, createdAt: Timestamp.iso8601(clock.now()))
        do {
            let commit = { (c: Connection) throws in
                let used = try c.queryOne("SELECT COALESCE(SUM(size), 0) FROM klik_files WHERE plugin = ?", [.text(plugin)])?[0].int64 ?? 0
                if Int(used) + file.size > rules.quotaBytes {
                    throw FileError(status: 507, code: "quota_exceeded",
                                    id: "\(field): kuota berkas plugin habis (\(megabytes(rules.quotaBytes)))",
                                    en: "\(field): the plugin's file quota is used up (\(megabytes(rules.quotaBytes)))")
                }
                try self.place(temporary, digest: digest, folder: folder)
                _ = try c.run("INSERT INTO klik_files (id, plugin, sha256, type, size, width, height, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                              [.text(file.id), .text(plugin), .text(digest), .text(image.type.rawValue), .integer(Int64(file.size)),
                               .integer(Int64(file.width)), .integer(Int64(file.height)), .text(file.createdAt)])
            }
            if let connection { try commit(connection) } else { try database.write(commit) }
        } catch let error as FileError {
            unlink(temporary)
            throw error
        } catch {
            unlink(temporary)
            logger.error("file store failed", [("plugin", .string(plugin)), ("error", .string("\(error)"))])
            throw FileError.storage
        }
        return file
    }

    /// Writes the clean pieces to a new temporary file in `<folder>/.tmp`, flushed to disk;
    /// answers its path and the SHA-256 of the content.
    private func writeTemporary(_ image: CleanedImage, source: ArraySlice<UInt8>, folder: URL) throws(FileError) -> (String, String) {
        let tmpFolder = folder.appendingPathComponent(".tmp").path
        let path = tmpFolder + "/" + Self.randomHex(16)
        do {
            try FileManager.default.createDirectory(atPath: tmpFolder, withIntermediateDirectories: true)
        } catch {
            logger.error("file folder cannot be created", [("error", .string("\(error)"))])
            throw FileError.storage
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("open", errno) }
        var hash = SHA256()
        var ok = true
        for piece in image.pieces where ok {
            switch piece {
            case .source(let range):
                source[range].withUnsafeBytes { buf in hash.update(buf); ok = Self.writeAll(fd, buf) }
            case .bytes(let bytes):
                bytes.withUnsafeBytes { buf in hash.update(buf); ok = Self.writeAll(fd, buf) }
            }
        }
        let code = errno
        if !ok || fsync(fd) != 0 {
            close(fd)
            unlink(path)
            throw failure("write", ok ? errno : code)
        }
        close(fd)
        return (path, hash.finish())
    }

    /// Renames the temporary file to its content address and makes the rename durable.
    private func place(_ temporary: String, digest: String, folder: URL) throws {
        let shard = folder.appendingPathComponent(String(digest.prefix(2))).path
        var created = false
        if !FileManager.default.fileExists(atPath: shard) {
            try FileManager.default.createDirectory(atPath: shard, withIntermediateDirectories: true)
            created = true
        }
        guard rename(temporary, shard + "/" + digest) == 0 else { throw failure("rename", errno) }
        Self.syncDirectory(shard)
        if created { Self.syncDirectory(folder.path) }
    }

    private func failure(_ step: String, _ code: Int32) -> FileError {
        logger.error("file store failed", [("step", .string(step)), ("error", .string(String(cString: strerror(code))))])
        return FileError.storage
    }

    // MARK: read, delete

    public func info(plugin: String, id: String, on connection: Connection? = nil) throws -> StoredFile? {
        let sql = "SELECT id, plugin, sha256, type, size, width, height, created_at FROM klik_files WHERE plugin = ? AND id = ?"
        let row = try connection.map { try $0.queryOne(sql, [.text(plugin), .text(id)]) }
            ?? database.read { try $0.queryOne(sql, [.text(plugin), .text(id)]) }
        guard let row, let type = row["type"].string.flatMap(ImageType.init(rawValue:)) else { return nil }
        return StoredFile(id: row["id"].string ?? id, plugin: plugin, sha256: row["sha256"].string ?? "", type: type,
                          size: Int(row["size"].int64 ?? 0), width: Int(row["width"].int64 ?? 0), height: Int(row["height"].int64 ?? 0),
                          createdAt: row["created_at"].string ?? "")
    }

    /// The file and where its bytes are, for the kernel to send (plugins never see paths); nil
    /// when `plugin` has no such file.
    public func locate(plugin: String, id: String) throws -> (file: StoredFile, path: String)? {
        guard let file = try info(plugin: plugin, id: id) else { return nil }
        return (file, blobPath(plugin: plugin, digest: file.sha256))
    }

    /// Removes the row; answers the blob's digest when a row was removed. Call `collect` after the
    /// removal committed to delete the blob if nothing else uses it.
    public func delete(plugin: String, id: String, on connection: Connection?) throws -> String? {
        let remove = { (c: Connection) throws -> String? in
            guard let digest = try c.queryOne("SELECT sha256 FROM klik_files WHERE plugin = ? AND id = ?", [.text(plugin), .text(id)])?[0].string else { return nil }
            _ = try c.run("DELETE FROM klik_files WHERE plugin = ? AND id = ?", [.text(plugin), .text(id)])
            return digest
        }
        if let connection { return try remove(connection) }
        return try database.write(remove)
    }

    /// Deletes the blob `digest` of `plugin` when no row refers to it (under the writer).
    public func collect(plugin: String, digest: String) {
        do {
            try database.write { c in
                let users = try c.queryOne("SELECT COUNT(*) FROM klik_files WHERE plugin = ? AND sha256 = ?", [.text(plugin), .text(digest)])?[0].int64 ?? 0
                if users == 0 { unlink(self.blobPath(plugin: plugin, digest: digest)) }
            }
        } catch {
            logger.warn("unused file not removed", [("plugin", .string(plugin)), ("error", .string("\(error)"))])
        }
    }

    /// Bytes and files `plugin` holds.
    public func usage(plugin: String, on connection: Connection? = nil) throws -> (files: Int, bytes: Int) {
        let sql = "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM klik_files WHERE plugin = ?"
        let row = try connection.map { try $0.queryOne(sql, [.text(plugin)]) } ?? database.read { try $0.queryOne(sql, [.text(plugin)]) }
        return (Int(row?[0].int64 ?? 0), Int(row?[1].int64 ?? 0))
    }

    func blobPath(plugin: String, digest: String) -> String {
        root.appendingPathComponent(plugin).appendingPathComponent(String(digest.prefix(2))).appendingPathComponent(digest).path
    }

    // MARK: helpers

    static func randomHex(_ bytes: Int) -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }

    static func writeAll(_ fd: Int32, _ buf: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < buf.count {
            let n = write(fd, buf.baseAddress! + offset, buf.count - offset)
            if n < 0 { if errno == EINTR { continue }; return false }
            offset += n
        }
        return true
    }

    static func syncDirectory(_ path: String) {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
