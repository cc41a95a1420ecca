import CSodium
import Foundation

/// argon2id cost parameters (`crypto_pwhash_str`). Raising them makes sign-in rehash old hashes.
public struct PasswordParameters: Sendable, Equatable {
    /// Passes over memory (libsodium's `opslimit`).
    public var opsLimit: UInt64
    /// Memory per hash in bytes (`memlimit`); each concurrent hash holds this much.
    public var memoryBytes: Int

    public init(opsLimit: UInt64, memoryBytes: Int) {
        self.opsLimit = opsLimit
        self.memoryBytes = memoryBytes
    }

    /// The default: libsodium's INTERACTIVE limits (2 passes, 64 MiB, ~95 ms on the target machine).
    public static let standard = PasswordParameters(opsLimit: 2, memoryBytes: 64 << 20)
    /// For tests only: the minimum libsodium accepts (fast, weak).
    public static let testing = PasswordParameters(opsLimit: 1, memoryBytes: 8 << 10)
}

/// argon2id password hashes in libsodium's self-describing string format (`$argon2id$v=19$m=...`).
/// Slow on purpose: call it through `HTTPResponse.deferred`, never on an HTTP worker thread.
public struct PasswordHasher: Sendable {
    public let parameters: PasswordParameters

    public init(parameters: PasswordParameters = .standard) {
        precondition(Sodium.initialized, "libsodium failed to initialise")
        self.parameters = parameters
    }

    public func hash(_ password: String) -> String? {
        var out = [CChar](repeating: 0, count: Int(crypto_pwhash_strbytes()))
        let bytes = Array(password.utf8CString)
        let rc = bytes.withUnsafeBufferPointer { p in
            crypto_pwhash_str(&out, p.baseAddress!, UInt64(p.count - 1), parameters.opsLimit, parameters.memoryBytes)
        }
        guard rc == 0 else { return nil }
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func verify(_ password: String, against hash: String) -> Bool {
        let bytes = Array(password.utf8CString)
        return bytes.withUnsafeBufferPointer { p in
            crypto_pwhash_str_verify(hash, p.baseAddress!, UInt64(p.count - 1)) == 0
        }
    }

    /// True when `hash` was made with other parameters than the current ones.
    public func needsRehash(_ hash: String) -> Bool {
        crypto_pwhash_str_needs_rehash(hash, parameters.opsLimit, parameters.memoryBytes) != 0
    }
}
