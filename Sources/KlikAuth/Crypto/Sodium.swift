import CSodium
import Foundation

/// The few libsodium primitives auth needs: random tokens, BLAKE2b digests, constant-time compare.
public enum Sodium {
    /// `sodium_init` once; libsodium makes it safe to call from several threads.
    static let initialized: Bool = sodium_init() >= 0

    public static func randomBytes(_ count: Int) -> [UInt8] {
        precondition(initialized, "libsodium failed to initialise")
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) }
        return bytes
    }

    /// A random token of `bytes` bytes (default 32 = 256 bits) in unpadded base64url, with a prefix
    /// that tells what it is (`kls_` sessions, `klk_` API keys) so leaked ones are recognisable.
    public static func token(prefix: String, bytes: Int = 32) -> String {
        prefix + base64url(randomBytes(bytes))
    }

    /// BLAKE2b-256 (`crypto_generichash`) of `text`, lower-case hex: how tokens are stored.
    public static func digest(_ text: String) -> String {
        precondition(initialized, "libsodium failed to initialise")
        var out = [UInt8](repeating: 0, count: 32)
        let input = Array(text.utf8) + [0]
        _ = out.withUnsafeMutableBufferPointer { o in
            input.withUnsafeBufferPointer { i in
                crypto_generichash(o.baseAddress!, 32, i.baseAddress!, UInt64(i.count - 1), nil, 0)
            }
        }
        return hex(out)
    }

    /// Compares two strings in time independent of where they differ (lengths may leak).
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        if x.isEmpty { return true }
        return x.withUnsafeBytes { p in y.withUnsafeBytes { q in sodium_memcmp(p.baseAddress, q.baseAddress, x.count) == 0 } }
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
