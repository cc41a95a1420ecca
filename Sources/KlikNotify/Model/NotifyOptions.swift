/// Limits and delivery settings of notifications; part of the kernel configuration.
public struct NotifyOptions: Sendable {
    /// Notifications one plugin may send per minute (`KLIK_NOTIFY_PER_MINUTE`); default 120.
    public var perPluginPerMinute = 120
    /// Most users one notification may reach (a role or an OPD); default 5000.
    public var maxRecipients = 5000
    /// Delivery attempts before a delivery becomes dead; default 8.
    public var maxAttempts = 8
    /// First retry delay in seconds, doubled each attempt (with ±50 % jitter); default 5.
    public var retryBaseSeconds = 5.0
    /// Longest retry delay in seconds; default 3600.
    public var retryMaxSeconds = 3600.0
    /// Permit `http://` webhooks and webhooks to loopback and private addresses
    /// (`KLIK_WEBHOOK_ALLOW_LOCAL=1`); default off, so a subscriber cannot make the server call
    /// into the internal network and notifications travel only over TLS. For development and tests.
    public var allowLocalWebhooks = false
    /// Deliveries sent at the same time by the worker; default 4.
    public var deliveryConcurrency = 4
    /// Timeout of one webhook or SMTP attempt in seconds; default 10.
    public var attemptTimeoutSeconds = 10
    /// Seconds between SSE heartbeat comments; default 15.
    public var heartbeatSeconds = 15.0
    /// Wall-clock seconds the delivery worker sleeps when nothing is due; default 1.
    public var pollSeconds = 1.0
    /// Outgoing e-mail; e-mail channels stay pending-then-dead while no server is set.
    public var smtp = SMTPSettings()

    public init() {}
}

/// SMTP server for e-mail channels (`KLIK_SMTP_*`). The password never appears in logs or errors.
public struct SMTPSettings: Sendable {
    /// Host name; empty disables e-mail (`KLIK_SMTP_HOST`).
    public var host = ""
    /// Port (`KLIK_SMTP_PORT`); default 587.
    public var port = 587
    /// Upgrade with STARTTLS and require it (`KLIK_SMTP_STARTTLS`, default on).
    public var startTLS = true
    /// Sign-in name and password (`KLIK_SMTP_USER`, `KLIK_SMTP_PASSWORD`); empty = no AUTH.
    public var username = ""
    public var password = ""
    /// Envelope and header sender (`KLIK_SMTP_FROM`).
    public var from = "klik@localhost"

    public init() {}
    public var isConfigured: Bool { !host.isEmpty }
}
