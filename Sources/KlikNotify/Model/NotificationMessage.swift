import KlikCore

/// One message to send: what the recipients read in their inbox, and what channels carry.
public struct NotificationMessage: Sendable, Equatable {
    public var title: LocalizedText
    public var body: LocalizedText
    /// Where the client goes when the notification is opened (an app path or a URL); optional.
    public var link: String?
    /// Structured data for clients and webhooks (a JSON object).
    public var data: JSONValue

    public init(title: LocalizedText, body: LocalizedText, link: String? = nil, data: JSONValue = .object([:])) {
        self.title = title
        self.body = body
        self.link = link
        self.data = data
    }

    public static let maxTitle = 200
    public static let maxBody = 4000
    public static let maxLink = 1000
    public static let maxDataBytes = 16 << 10

    /// Parses and validates `{title = {id, en}, body = {id, en}, link, data}`; errors name the field.
    /// `context` prefixes messages (e.g. `klik.notify.user`).
    public static func parse(_ value: JSONValue, context: String) throws(NotifyError) -> NotificationMessage {
        guard let object = value.objectValue else { throw NotifyError("\(context): message must be a table {title=, body=, link=, data=}") }
        for key in object.keys where !["title", "body", "link", "data"].contains(key) {
            throw NotifyError("\(context): unknown field '\(key)' in message (allowed: title, body, link, data)")
        }
        let title = try text(object["title"], "title", max: maxTitle, context: context)
        let body = try text(object["body"], "body", max: maxBody, context: context)
        var link: String?
        if let raw = object["link"], raw != .null {
            guard let s = raw.stringValue, !s.isEmpty, s.utf8.count <= maxLink else {
                throw NotifyError("\(context): message.link must be a non-empty string of at most \(maxLink) bytes")
            }
            link = s
        }
        var data: JSONValue = .object([:])
        if let raw = object["data"], raw != .null {
            if raw.objectValue == nil, raw.arrayValue?.isEmpty != true {
                throw NotifyError("\(context): message.data must be a table with string keys (a JSON object)")
            }
            data = raw.objectValue == nil ? .object([:]) : raw
            if JSONWriter.bytes(data).count > maxDataBytes {
                throw NotifyError("\(context): message.data is larger than \(maxDataBytes) bytes as JSON")
            }
        }
        return NotificationMessage(title: title, body: body, link: link, data: data)
    }

    private static func text(_ value: JSONValue?, _ field: String, max: Int, context: String) throws(NotifyError) -> LocalizedText {
        guard let object = value?.objectValue else {
            throw NotifyError("\(context): message.\(field) must be a table {id = \"...\", en = \"...\"}")
        }
        var out: [String: String] = [:]
        for lang in ["id", "en"] {
            guard let s = object[lang]?.stringValue, !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw NotifyError("\(context): message.\(field).\(lang) is required (a non-empty string)")
            }
            guard s.count <= max else { throw NotifyError("\(context): message.\(field).\(lang) is longer than \(max) characters") }
            out[lang] = s
        }
        return LocalizedText(id: out["id"]!, en: out["en"]!)
    }
}

/// Who receives a notification; resolved to user ids when it is accepted.
public enum Recipients: Sendable, Equatable, CustomStringConvertible {
    case user(String)
    /// Every enabled user holding the role (a `Role` raw value, e.g. `petugas`).
    case role(String)
    /// Every enabled member of the OPD with this code.
    case opd(String)

    public var description: String {
        switch self {
        case .user(let id): "user:\(id)"
        case .role(let role): "role:\(role)"
        case .opd(let code): "opd:\(code)"
        }
    }
}

/// A refusal to accept a notification (validation, unknown recipient, quota). The message is
/// safe to show to the plugin author.
public struct NotifyError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let isQuota: Bool
    public init(_ message: String, isQuota: Bool = false) {
        self.message = message
        self.isQuota = isQuota
    }
    public var description: String { message }
}
