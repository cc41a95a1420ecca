import KlikCore

/// Auth settings of the kernel; a plain value with documented defaults.
public struct AuthOptions: Sendable {
    /// argon2id cost; default libsodium INTERACTIVE (2 passes, 64 MiB).
    public var password = PasswordParameters.standard
    /// Rules for new passwords (minimum 10 characters, not a common password).
    public var policy = PasswordPolicy()
    /// Session lifetimes (30 days absolute, 7 days idle).
    public var sessions = SessionPolicy()
    /// Sign-in throttling (see `SignInThrottle`).
    public var throttle = SignInThrottle.Limits()
    /// Mark cookies `Secure` (sent over HTTPS only); default true — put TLS in front. Turn off
    /// only for plain-HTTP development.
    public var secureCookies = true
    public init() {}
}

/// Receives security-relevant events for the audit log: actor, action, target, detail, address.
public typealias AuditSink = @Sendable (_ actor: String, _ action: String, _ target: String,
                                        _ detail: [String: JSONValue], _ address: String) -> Void
