import Foundation
import KlikCore

/// A notification as a plain-text e-mail: Indonesian first, then English.
enum EmailMessage {
    static func render(from: String, to: String, notification: JSONValue, messageId: String) -> String {
        func text(_ field: String, _ lang: String) -> String { notification[field]?[lang]?.stringValue ?? "" }
        let subject = text("title", "id") + " / " + text("title", "en")
        var body = text("title", "id") + "\n\n" + text("body", "id") + "\n\n-- English --\n\n" + text("title", "en") + "\n\n" + text("body", "en")
        if let link = notification["link"]?.stringValue { body += "\n\n" + link }
        let date = DateFormatter()
        date.locale = Locale(identifier: "en_US_POSIX")
        date.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let lines = [
            "From: \(from)", "To: \(to)", "Subject: \(encodedWord(subject))", "Date: \(date.string(from: Date()))",
            "Message-ID: <\(messageId)@klik>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64", "", wrapped(Data(body.utf8).base64EncodedString()),
        ]
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 2047 header text: UTF-8, base64.
    static func encodedWord(_ text: String) -> String {
        text.allSatisfy({ $0.isASCII && !$0.isNewline }) ? text : "=?UTF-8?B?" + Data(text.utf8).base64EncodedString() + "?="
    }

    static func wrapped(_ base64: String) -> String {
        var lines: [Substring] = []
        var rest = Substring(base64)
        while !rest.isEmpty {
            lines.append(rest.prefix(76))
            rest = rest.dropFirst(76)
        }
        return lines.joined(separator: "\r\n")
    }
}
