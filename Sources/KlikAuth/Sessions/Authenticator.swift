import Foundation
import KlikCore
import KlikHTTP

/// Finds who is calling from a request's credentials: `Authorization: Bearer kls_…` (session),
/// the `klik_session` cookie (session; writes then need `X-CSRF-Token`), or an API key in
/// `X-API-Key` or `Authorization: Bearer klk_…`. Unknown, expired or revoked credentials make an
/// anonymous caller. Resolved sessions are cached for a few seconds; revocation, role changes and
/// disabling invalidate the cache at once on this node.
public final class Authenticator: @unchecked Sendable {
    public static let sessionCookie = "klik_session"
    public static let csrfCookie = "klik_csrf"
    public static let csrfHeader = "x-csrf-token"

    let users: UserStore
    let sessions: SessionStore
    let apiKeys: APIKeyStore
    /// Seconds a resolved session stays cached (keyed by the token itself).
    let cacheSeconds: Double
    private let lock = NSLock()
    private var cache: [String: CachedSession] = [:]

    public init(users: UserStore, sessions: SessionStore, apiKeys: APIKeyStore, cacheSeconds: Double = 10) {
        self.users = users
        self.sessions = sessions
        self.apiKeys = apiKeys
        self.cacheSeconds = cacheSeconds
    }

    public func caller(for request: HTTPRequest) -> Caller? {
        if let auth = request.headers["authorization"] {
            guard let token = Authenticator.bearerToken(auth) else { return nil }
            return token.hasPrefix("klk_") ? apiKeyCaller(token) : sessionCaller(token, viaCookie: false)
        }
        if let key = request.headers["x-api-key"] { return apiKeyCaller(key) }
        if let cookie = request.headers["cookie"], let token = Cookies.value(Authenticator.sessionCookie, in: cookie) {
            return sessionCaller(token, viaCookie: true)
        }
        // Open311 GeoReport v2 clients send `api_key` as a query or form parameter.
        if let key = request.query["api_key"] ?? Authenticator.formAPIKey(request) { return apiKeyCaller(key) }
        return nil
    }

    /// `api_key` from a url-encoded or multipart (Open311 v2.1 `media` upload) form body, if any.
    static func formAPIKey(_ request: HTTPRequest) -> String? {
        guard !request.body.isEmpty else { return nil }
        switch request.contentType {
        case "application/x-www-form-urlencoded":
            for pair in String(decoding: request.body, as: UTF8.self).split(separator: "&") where pair.hasPrefix("api_key=") {
                return String(pair.dropFirst(8)).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            return nil
        case "multipart/form-data":
            // A malformed body answers no key here; the plugin's request conversion reports it as a 400.
            return (try? request.multipartForm())?.fields.first { $0.name == "api_key" }?.value
        default:
            return nil
        }
    }

    /// The token of `Bearer <token>` (scheme case-insensitive), without allocating on the usual form.
    static func bearerToken(_ header: String) -> String? {
        if header.hasPrefix("Bearer "), !header.hasSuffix(" ") { return String(header.dropFirst(7)) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    /// Cookie-authenticated writes must echo the session's CSRF token in `X-CSRF-Token`.
    public func checkCSRF(_ caller: Caller?, _ request: HTTPRequest) throws(KlikError) {
        switch request.method {
        case "POST", "PUT", "PATCH", "DELETE": break
        default: return
        }
        guard case .session(_, true, let expected) = caller?.credential else { return }
        guard let sent = request.header(Authenticator.csrfHeader), Sodium.constantTimeEqual(Sodium.digest(sent), expected) else {
            throw KlikError(status: 403, code: "csrf", message: "Token CSRF hilang atau salah / missing or wrong X-CSRF-Token header")
        }
    }

    private func sessionCaller(_ token: String, viaCookie: Bool) -> Caller? {
        guard token.hasPrefix("kls_"), token.utf8.count < 100 else { return nil }
        let now = Monotonic.nanoseconds()
        // Hot path: a session seen in the last few seconds costs a dictionary lookup, not a digest
        // and a database read (keys live only in this process's memory, like the request itself).
        if let hit = lock.withLock({ cache[token] }), Double(now - hit.at) / 1e9 < cacheSeconds {
            return viaCookie ? hit.cookie : hit.bearer
        }
        let digest = Sodium.digest(token)
        guard let record = try? sessions.find(digest: digest), let user = try? users.user(record.userId), !user.disabled else {
            _ = lock.withLock { cache.removeValue(forKey: token) }
            return nil
        }
        sessions.touch(record)
        let bearer = Caller(user: user, credential: .session(id: digest, viaCookie: false, csrfDigest: record.csrfDigest))
        let cookie = Caller(user: user, credential: .session(id: digest, viaCookie: true, csrfDigest: record.csrfDigest))
        lock.withLock {
            if cache.count > 50_000 { cache.removeAll() }
            cache[token] = CachedSession(bearer: bearer, cookie: cookie, digest: digest, userId: user.id, at: now)
        }
        return viaCookie ? cookie : bearer
    }

    private func apiKeyCaller(_ key: String) -> Caller? {
        guard key.hasPrefix("klk_"), key.utf8.count < 100, let found = try? apiKeys.find(key: key) else { return nil }
        apiKeys.markUsed(id: found.id)
        return Caller(user: nil, credential: .apiKey(id: found.id, name: found.name, scopes: found.scopes))
    }

    /// Forgets cached sessions (after a revocation).
    public func invalidate(digests: [String]) {
        let gone = Set(digests)
        lock.withLock { cache = cache.filter { !gone.contains($0.value.digest) } }
    }

    /// Forgets every cached session of a user (roles changed, disabled, password changed).
    public func invalidate(userId: String) {
        lock.withLock { cache = cache.filter { $0.value.userId != userId } }
    }
}

/// One resolved session in the cache: a single reference to retain on the hot path.
final class CachedSession: Sendable {
    let bearer: Caller
    let cookie: Caller
    let digest: String
    let userId: String
    let at: UInt64

    init(bearer: Caller, cookie: Caller, digest: String, userId: String, at: UInt64) {
        self.bearer = bearer
        self.cookie = cookie
        self.digest = digest
        self.userId = userId
        self.at = at
    }
}

/// `Cookie` and `Set-Cookie` headers.
public enum Cookies {
    /// The value of cookie `name` in a `Cookie` header.
    public static func value(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces) == name {
                return pair[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// A `Set-Cookie` value; `maxAge` 0 deletes the cookie.
    public static func make(_ name: String, _ value: String, maxAge: Int, httpOnly: Bool, secure: Bool) -> String {
        var text = "\(name)=\(value); Path=/; Max-Age=\(maxAge); SameSite=Lax"
        if httpOnly { text += "; HttpOnly" }
        if secure { text += "; Secure" }
        return text
    }
}
