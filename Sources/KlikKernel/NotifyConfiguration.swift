import KlikNotify

extension ConfigurationLoader {
    /// Notification settings from the environment (there are no flags for them):
    /// `KLIK_NOTIFY_PER_MINUTE`, `KLIK_WEBHOOK_ALLOW_LOCAL`, `KLIK_SMTP_HOST`, `KLIK_SMTP_PORT`, `KLIK_SMTP_STARTTLS` (1/0),
    /// `KLIK_SMTP_USER`, `KLIK_SMTP_PASSWORD`, `KLIK_SMTP_FROM`. Messages never echo the password.
    static func loadNotify(_ environment: [String: String], into options: inout NotifyOptions) throws(Failure) {
        func integer(_ name: String, _ range: ClosedRange<Int>) throws(Failure) -> Int? {
            guard let raw = environment[name], !raw.isEmpty else { return nil }
            guard let value = Int(raw), range.contains(value) else {
                throw Failure(message: "\(name): '\(raw)' harus bilangan \(range.lowerBound)–\(range.upperBound) / must be an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        if let n = try integer("KLIK_NOTIFY_PER_MINUTE", 1...1_000_000) { options.perPluginPerMinute = n }
        if let host = environment["KLIK_SMTP_HOST"], !host.isEmpty { options.smtp.host = host }
        if let port = try integer("KLIK_SMTP_PORT", 1...65535) { options.smtp.port = port }
        if let tls = environment["KLIK_SMTP_STARTTLS"], !tls.isEmpty {
            guard tls == "0" || tls == "1" else { throw Failure(message: "KLIK_SMTP_STARTTLS: harus 0 atau 1 / must be 0 or 1") }
            options.smtp.startTLS = tls == "1"
        }
        if let local = environment["KLIK_WEBHOOK_ALLOW_LOCAL"], !local.isEmpty {
            guard local == "0" || local == "1" else { throw Failure(message: "KLIK_WEBHOOK_ALLOW_LOCAL: harus 0 atau 1 / must be 0 or 1") }
            options.allowLocalWebhooks = local == "1"
        }
        if let user = environment["KLIK_SMTP_USER"] { options.smtp.username = user }
        if let password = environment["KLIK_SMTP_PASSWORD"] { options.smtp.password = password }
        if let from = environment["KLIK_SMTP_FROM"], !from.isEmpty { options.smtp.from = from }
    }
}
