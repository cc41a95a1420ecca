import Foundation
import KlikCore
import KlikStorage

/// A subscription: where a user's (or an OPD's) notifications are also sent.
public struct Channel: Sendable {
    public enum Kind: String, Sendable { case webhook, email }
    public enum Owner: Sendable, Equatable {
        case user(String)
        case opd(String)
        var kind: String { if case .user = self { "user" } else { "opd" } }
        var id: String { switch self { case .user(let id), .opd(let id): id } }
    }
    public let id: String
    public let owner: Owner
    public let kind: Kind
    /// The webhook URL or the e-mail address.
    public let target: String
    /// HMAC key of a webhook (shown once, when the subscription is made).
    public let secret: String

    /// The public view; `withSecret` only in the answer to the creation request.
    public func json(withSecret: Bool = false) -> JSONValue {
        var object: [String: JSONValue] = ["id": .string(id), "kind": .string(kind.rawValue), "target": .string(target),
                                           "owner": [owner.kind: .string(owner.id)]]
        if withSecret && kind == .webhook { object["secret"] = .string(secret) }
        return .object(object)
    }
}

/// Channel subscriptions of users and OPDs.
public struct ChannelStore: Sendable {
    let database: Database
    let clock: any Clock
    let allowLocal: Bool

    /// Checks the target (an http(s) URL or an e-mail address) and stores the subscription.
    public func create(owner: Channel.Owner, kind: Channel.Kind, target: String) throws -> Channel {
        try ChannelStore.validate(kind: kind, target: target, allowLocal: allowLocal)
        let id = "ch_" + ChannelStore.randomHex(8)
        let secret = kind == .webhook ? "whsec_" + ChannelStore.randomHex(32) : ""
        _ = try database.write { c in
            try c.run("INSERT INTO klik_channels (id, owner_kind, owner, kind, target, secret, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                      [.text(id), .text(owner.kind), .text(owner.id), .text(kind.rawValue), .text(target), .text(secret),
                       .real(clock.now().timeIntervalSince1970)])
        }
        return Channel(id: id, owner: owner, kind: kind, target: target, secret: secret)
    }

    public func list(owner: Channel.Owner) throws -> [Channel] {
        try database.read { c in
            try c.query("SELECT id, kind, target, secret FROM klik_channels WHERE owner_kind = ? AND owner = ? ORDER BY created_at, id",
                        [.text(owner.kind), .text(owner.id)])
        }.map { Channel(id: $0[0].string ?? "", owner: owner, kind: Channel.Kind(rawValue: $0[1].string ?? "") ?? .webhook,
                        target: $0[2].string ?? "", secret: $0[3].string ?? "") }
    }

    /// Removes the owner's subscription; false when it is not theirs. Pending deliveries to it die.
    public func delete(id: String, owner: Channel.Owner) throws -> Bool {
        try database.write { c in
            let n = try c.run("DELETE FROM klik_channels WHERE id = ? AND owner_kind = ? AND owner = ?", [.text(id), .text(owner.kind), .text(owner.id)])
            return n > 0
        }
    }

    static func validate(kind: Channel.Kind, target: String, allowLocal: Bool) throws(NotifyError) {
        switch kind {
        case .webhook:
            guard target.utf8.count <= 1000, let url = URL(string: target), let scheme = url.scheme?.lowercased(),
                  scheme == "https" || (allowLocal && scheme == "http"), url.host?.isEmpty == false, url.user == nil else {
                throw NotifyError(allowLocal ? "URL webhook harus http(s)://… / webhook url must be an http(s) URL"
                                             : "URL webhook harus https://… / webhook url must be an https URL")
            }
        case .email:
            let parts = target.split(separator: "@", omittingEmptySubsequences: false)
            guard target.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
                  !target.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," }) else {
                throw NotifyError("Alamat e-mel tidak sah / invalid e-mail address")
            }
        }
    }

    static func randomHex(_ bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
