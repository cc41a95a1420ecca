import CSodium

/// Incremental SHA-256 (libsodium), lower-case hex: the content address of a stored file.
struct SHA256 {
    private var state = crypto_hash_sha256_state()
    private static let ready: Bool = sodium_init() >= 0

    init() {
        precondition(SHA256.ready, "libsodium failed to initialise")
        crypto_hash_sha256_init(&state)
    }

    mutating func update(_ buf: UnsafeRawBufferPointer) {
        guard let base = buf.baseAddress, buf.count > 0 else { return }
        crypto_hash_sha256_update(&state, base.assumingMemoryBound(to: UInt8.self), UInt64(buf.count))
    }

    mutating func finish() -> String {
        var out = [UInt8](repeating: 0, count: 32)
        crypto_hash_sha256_final(&state, &out)
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for b in out { hex.append(digits[Int(b >> 4)]); hex.append(digits[Int(b & 0x0F)]) }
        return String(decoding: hex, as: UTF8.self)
    }
}
