import CSodium

/// `X-Klik-Signature`: hex HMAC-SHA256, keyed with the subscription's secret, over
/// `timestamp + "." + body`. Receivers recompute it and compare in constant time.
public enum WebhookSignature {
    public static func sign(secret: String, timestamp: String, body: [UInt8]) -> String {
        var state = crypto_auth_hmacsha256_state()
        let key = Array(secret.utf8)
        _ = crypto_auth_hmacsha256_init(&state, key, key.count)
        let prefix = Array((timestamp + ".").utf8)
        _ = crypto_auth_hmacsha256_update(&state, prefix, UInt64(prefix.count))
        _ = crypto_auth_hmacsha256_update(&state, body, UInt64(body.count))
        var mac = [UInt8](repeating: 0, count: Int(crypto_auth_hmacsha256_BYTES))
        _ = crypto_auth_hmacsha256_final(&state, &mac)
        return "v1=" + mac.map { hexDigits[Int($0 >> 4)] + hexDigits[Int($0 & 0xF)] }.joined()
    }

    /// True when `signature` is the one `sign` makes (compared in constant time).
    public static func verify(secret: String, timestamp: String, body: [UInt8], signature: String) -> Bool {
        let expected = Array(sign(secret: secret, timestamp: timestamp, body: body).utf8)
        let given = Array(signature.utf8)
        guard expected.count == given.count else { return false }
        return sodium_memcmp(expected, given, expected.count) == 0
    }

    private static let hexDigits = "0123456789abcdef".map { String($0) }
}
