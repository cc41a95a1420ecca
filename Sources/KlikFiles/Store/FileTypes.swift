import Foundation
import KlikCore

/// One stored file as plugins see it (never a path).
public struct StoredFile: Sendable, Equatable {
    public let id: String
    public let plugin: String
    public let sha256: String
    public let type: ImageType
    public let size: Int
    public let width: Int
    public let height: Int
    public let createdAt: String
}

/// What a plugin allows for one `store` call.
public struct StoreRules: Sendable {
    /// Largest upload accepted, in bytes (before cleaning).
    public var maxBytes: Int
    /// All of the plugin's files together may not exceed this.
    public var quotaBytes: Int
    /// Accepted formats.
    public var types: Set<ImageType>

    public init(maxBytes: Int, quotaBytes: Int, types: Set<ImageType> = Set(ImageType.allCases)) {
        self.maxBytes = maxBytes
        self.quotaBytes = quotaBytes
        self.types = types
    }
}

/// Why a file was not stored: a problem with the upload (`status` 400/413/415/507, a message
/// for the client, Bahasa Indonesia first) or a storage failure (500, details only in the log).
public struct FileError: Error, Sendable, CustomStringConvertible {
    public let status: Int
    public let code: String
    public let id: String
    public let en: String

    public init(status: Int, code: String, id: String, en: String) {
        self.status = status
        self.code = code
        self.id = id
        self.en = en
    }

    public var description: String { "\(code): \(id) / \(en)" }

    /// The details went to the kernel log; plugins and clients learn nothing about paths.
    static let storage = FileError(status: 500, code: "storage", id: "gagal menyimpan berkas", en: "could not store the file")
}

public func megabytes(_ bytes: Int) -> String {
    bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : String(format: "%.1f MiB", Double(bytes) / Double(1 << 20))
}
