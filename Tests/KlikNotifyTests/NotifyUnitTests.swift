import Testing
import KlikCore
@testable import KlikNotify

/// Message validation and the webhook signature, without a kernel.
@Suite struct NotifyUnitTests {
    @Test func signatureIsStandardHMACSHA256OverTimestampDotBody() {
        // The same value as Python: hmac.new(b"whsec_test", b"1767225600." + body, hashlib.sha256).hexdigest()
        let body = Array(#"{"idempotency_key":"klik-1-ch_1"}"#.utf8)
        let signature = WebhookSignature.sign(secret: "whsec_test", timestamp: "1767225600", body: body)
        #expect(signature == "v1=8c1f8255f3da86d11e082c3e8df33579831a7af097178e1621ce7f76322b7051")
        #expect(WebhookSignature.verify(secret: "whsec_test", timestamp: "1767225600", body: body, signature: signature))
        #expect(!WebhookSignature.verify(secret: "whsec_test", timestamp: "1767225601", body: body, signature: signature))
    }

    @Test func messagesAreValidatedFieldByField() throws {
        let ok = try NotificationMessage.parse(["title": ["id": "Judul", "en": "Title"], "body": ["id": "Isi", "en": "Body"],
                                         "link": "/x", "data": ["a": 1]], context: "t")
        #expect(ok.title.en == "Title" && ok.link == "/x" && ok.data["a"] == .integer(1))
        let empty = try NotificationMessage.parse(["title": ["id": "J", "en": "T"], "body": ["id": "I", "en": "B"], "data": .array([])], context: "t")
        #expect(empty.data == .object([:]))
        let cases: [(JSONValue, String)] = [
            ("text", "t: message must be a table"),
            (["body": ["id": "I", "en": "B"]], "t: message.title must be a table"),
            (["title": ["id": " ", "en": "T"], "body": ["id": "I", "en": "B"]], "t: message.title.id is required"),
            (["title": ["id": "J", "en": "T"], "body": ["id": "I", "en": "B"], "link": 5], "t: message.link must be"),
            (["title": ["id": "J", "en": "T"], "body": ["id": "I", "en": "B"], "data": [1, 2]], "t: message.data must be a table"),
            (["title": ["id": .string(String(repeating: "x", count: 201)), "en": "T"], "body": ["id": "I", "en": "B"]], "longer than 200"),
        ]
        for (value, message) in cases {
            #expect(throws: NotifyError.self) { try NotificationMessage.parse(value, context: "t") }
            do { _ = try NotificationMessage.parse(value, context: "t") } catch { #expect(error.message.contains(message), "\(error.message)") }
        }
    }

    @Test func emailIsBilingualBase64WithAnEncodedSubject() {
        let text = EmailMessage.render(from: "a@b.id", to: "c@d.id", notification: [
            "title": ["id": "Laporan selesai ✓", "en": "Report done"], "body": ["id": "Isi", "en": "Body"], "link": "https://x.id/1",
        ], messageId: "klik-1-ch_1")
        #expect(text.contains("Subject: =?UTF-8?B?"))
        #expect(text.contains("Message-ID: <klik-1-ch_1@klik>"))
        #expect(text.hasSuffix("\r\n"))
    }
}
