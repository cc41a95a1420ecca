import Foundation
import KlikCore
import KlikHTTP
import KlikStorage

/// Register, sign in, sign out and change password. Hashing runs in `HTTPResponse.deferred`
/// work (off the HTTP workers, bounded); every outcome is audited without secrets.
public final class AuthService: Sendable {
    public let options: AuthOptions
    public let users: UserStore
    public let agencies: AgencyStore
    public let sessions: SessionStore
    public let apiKeys: APIKeyStore
    public let authenticator: Authenticator
    public let throttle: SignInThrottle
    /// Registrations per client address: 20 an hour free, then waits (each one costs a hash).
    public let registrations: SignInThrottle
    public let hasher: PasswordHasher
    let audit: AuditSink
    /// Verified against when an account does not exist, so both cases take the same time.
    let dummyHash: String

    public init(database: Database, clock: any Clock, options: AuthOptions, audit: @escaping AuditSink) {
        self.options = options
        users = UserStore(database: database, clock: clock)
        agencies = AgencyStore(database: database, clock: clock)
        sessions = SessionStore(database: database, clock: clock, policy: options.sessions)
        apiKeys = APIKeyStore(database: database, clock: clock)
        authenticator = Authenticator(users: users, sessions: sessions, apiKeys: apiKeys)
        throttle = SignInThrottle(clock: clock, limits: options.throttle)
        var perAddress = SignInThrottle.Limits()
        perAddress.window = 3600
        perAddress.freePerAddress = 20
        perAddress.freePerAccount = Int.max / 2
        registrations = SignInThrottle(clock: clock, limits: perAddress)
        hasher = PasswordHasher(parameters: options.password)
        dummyHash = hasher.hash(Sodium.token(prefix: "")) ?? ""
        self.audit = audit
    }

    /// Writes an audit entry (actor, action, target, detail, client address).
    public func record(_ actor: String, _ action: String, _ target: String, _ detail: [String: JSONValue], _ address: String) {
        audit(actor, action, target, detail, address)
    }

    /// Creates an account after checking the password policy (slow: hashes). Used by
    /// registration, the admin API and `klik user add`.
    public func createUser(_ new: UserStore.NewUser, password: String) throws -> User {
        try options.policy.check(password, personal: [new.name, new.email ?? "", new.phone ?? ""].filter { !$0.isEmpty })
        guard let hash = hasher.hash(password) else { throw KlikError.internal() }
        return try users.create(new, passwordHash: hash)
    }

    /// Counts a registration from `address`; 429 with `Retry-After` when there were too many.
    public func admitRegistration(address: String) throws(KlikError) {
        if let wait = registrations.retryAfter(account: "", address: address) {
            throw KlikError(status: 429, code: "too_many_registrations",
                            message: "Terlalu banyak pendaftaran, coba lagi dalam \(wait) detik / too many registrations, try again in \(wait) seconds",
                            headers: [("Retry-After", String(wait))])
        }
        registrations.failed(account: "", address: address)
    }

    // MARK: Sign-in

    public struct SignIn: Sendable {
        public let user: User
        public let session: NewSession
    }

    /// Checks throttling first (no hashing while throttled), then the password.
    public func signIn(identifier: String, password: String, address: String) throws(KlikError) -> SignIn {
        let account = (identifier.contains("@") ? Identifiers.email(identifier) : Identifiers.phone(identifier)) ?? identifier.lowercased()
        if let wait = throttle.retryAfter(account: account, address: address) {
            audit("anonymous", "auth.login_throttled", "account:" + Sodium.digest(account).prefix(16), [:], address)
            throw KlikError(status: 429, code: "too_many_attempts",
                            message: "Terlalu banyak percobaan, coba lagi dalam \(wait) detik / too many attempts, try again in \(wait) seconds",
                            headers: [("Retry-After", String(wait))])
        }
        let found = try? users.credentials(for: identifier)
        guard let found, hasher.verify(password, against: found.hash) else {
            if found == nil { _ = hasher.verify(password, against: dummyHash) }
            throttle.failed(account: account, address: address)
            audit(found.map { "user:" + $0.user.id } ?? "anonymous", "auth.login_failed", found.map { "user:" + $0.user.id } ?? "", [:], address)
            throw KlikError.unauthenticated("Akun atau sandi salah / wrong account or password")
        }
        guard !found.user.disabled else {
            audit("user:" + found.user.id, "auth.login_refused", "user:" + found.user.id, ["reason": "disabled"], address)
            throw KlikError.forbidden("Akun dinonaktifkan / account disabled")
        }
        throttle.succeeded(account: account)
        if hasher.needsRehash(found.hash), let fresh = hasher.hash(password) {
            try? users.setPasswordHash(found.user.id, fresh)
        }
        do {
            let session = try sessions.create(userId: found.user.id, address: address)
            audit("user:" + found.user.id, "auth.login", "user:" + found.user.id, [:], address)
            return SignIn(user: found.user, session: session)
        } catch {
            throw KlikError.internal()
        }
    }

    /// Revokes the caller's session.
    public func signOut(_ caller: Caller, address: String) throws {
        guard case .session(let digest, _, _) = caller.credential else { return }
        try sessions.revoke(digest: digest)
        authenticator.invalidate(digests: [digest])
        audit(caller.actor, "auth.logout", caller.actor, [:], address)
    }

    /// Checks the current password (throttled like a sign-in), sets the new one, and revokes
    /// every other session of the user.
    public func changePassword(_ caller: Caller, current: String, new: String, address: String) throws(KlikError) {
        guard let user = caller.user, case .session(let digest, _, _) = caller.credential else { throw KlikError.forbidden() }
        let account = user.email ?? user.phone ?? user.id
        if let wait = throttle.retryAfter(account: account, address: address) {
            throw KlikError(status: 429, code: "too_many_attempts",
                            message: "Terlalu banyak percobaan, coba lagi dalam \(wait) detik / too many attempts, try again in \(wait) seconds",
                            headers: [("Retry-After", String(wait))])
        }
        guard let hash = try? users.passwordHash(user.id), hasher.verify(current, against: hash) else {
            throttle.failed(account: account, address: address)
            audit(caller.actor, "auth.password_change_failed", caller.actor, [:], address)
            throw KlikError(status: 400, code: "wrong_password", message: "Sandi saat ini salah / current password is wrong")
        }
        try options.policy.check(new, personal: [user.name, user.email ?? "", user.phone ?? ""].filter { !$0.isEmpty })
        guard let fresh = hasher.hash(new) else { throw KlikError.internal() }
        do {
            try users.setPasswordHash(user.id, fresh)
            let revoked = try sessions.revokeAll(userId: user.id, except: digest)
            authenticator.invalidate(digests: revoked)
            audit(caller.actor, "auth.password_changed", caller.actor, ["sessions_revoked": .integer(Int64(revoked.count))], address)
        } catch {
            throw KlikError.internal()
        }
    }
}
