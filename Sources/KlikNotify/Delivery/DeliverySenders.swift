import CCurl
import Foundation
import KlikCore

/// The outcome of one attempt: nil on success, else a message without secrets.
typealias AttemptError = String

/// Sends one delivery over its channel: webhook POSTs and SMTP mail, through libcurl.
struct DeliverySenders: Sendable {
    let options: NotifyOptions
    let logger: Logger

    private static let initialized: Bool = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK }()

    init(options: NotifyOptions, logger: Logger) {
        self.options = options
        self.logger = logger
        _ = DeliverySenders.initialized
    }

    func send(_ delivery: PendingDelivery, now: Date) -> AttemptError? {
        switch delivery.kind {
        case .webhook: webhook(delivery, now: now)
        case .email: email(delivery)
        }
    }

    /// Body `{"idempotency_key", "notification"}`; any 2xx is success.
    func webhook(_ delivery: PendingDelivery, now: Date) -> AttemptError? {
        let body = JSONWriter.bytes(["idempotency_key": .string(delivery.idempotencyKey), "notification": delivery.notification])
        let timestamp = String(Int64(now.timeIntervalSince1970))
        let signature = WebhookSignature.sign(secret: delivery.secret, timestamp: timestamp, body: body)
        var headers: UnsafeMutablePointer<curl_slist>?
        for header in ["Content-Type: application/json; charset=utf-8", "User-Agent: Klik-Webhook/1",
                       "X-Klik-Timestamp: \(timestamp)", "X-Klik-Signature: \(signature)",
                       "Idempotency-Key: \(delivery.idempotencyKey)", "Expect:"] {
            headers = curl_slist_append(headers, header)
        }
        defer { curl_slist_free_all(headers) }
        var status = 0
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE))
        let rc = body.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { p in
                kcurl_post(delivery.target, p, buf.count, headers, options.allowLocalWebhooks ? 1 : 0, options.attemptTimeoutSeconds, &status, &errorBuffer)
            }
        }
        if rc != CURLE_OK { return "webhook: " + DeliverySenders.describe(rc, errorBuffer) }
        return (200..<300).contains(status) ? nil : "webhook: HTTP \(status)"
    }

    func email(_ delivery: PendingDelivery) -> AttemptError? {
        let smtp = options.smtp
        guard smtp.isConfigured else { return "email: no SMTP server configured (KLIK_SMTP_HOST)" }
        let message = EmailMessage.render(from: smtp.from, to: delivery.target, notification: delivery.notification,
                                          messageId: delivery.idempotencyKey)
        var recipients: UnsafeMutablePointer<curl_slist>?
        recipients = curl_slist_append(recipients, "<\(delivery.target)>")
        defer { curl_slist_free_all(recipients) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE))
        let bytes = Array(message.utf8)
        let rc = bytes.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { p in
                kcurl_smtp("smtp://\(smtp.host):\(smtp.port)", smtp.startTLS ? 1 : 0, smtp.username, smtp.password,
                           "<\(smtp.from)>", recipients, p, buf.count, options.attemptTimeoutSeconds, &errorBuffer)
            }
        }
        return rc == CURLE_OK ? nil : "email: " + DeliverySenders.describe(rc, errorBuffer)
    }

    /// libcurl's message for a failure; it names hosts and codes, never credentials.
    static func describe(_ rc: CURLcode, _ buffer: [CChar]) -> String {
        let detail = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return detail.isEmpty ? String(cString: curl_easy_strerror(rc)) : detail
    }
}
