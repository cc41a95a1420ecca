import Foundation
import KlikAuth
import KlikLua
import Synchronization

/// Signed-in callers for plugin tests: `request("GET", "/inbox", {as = {roles = {"petugas"},
/// opds = {"DPUPR"}}})` creates (once per role/OPD combination) a test account in the isolated
/// kernel, signs it in, and sends its bearer token.
final class TestCallers: Sendable {
    let kernel: TestKernel
    private let tokens = Mutex<[String: String]>([:])

    init(kernel: TestKernel) { self.kernel = kernel }

    /// The bearer token for an `as` table, or a Lua error naming what is wrong.
    func token(for spec: LuaValue) throws -> String {
        guard let entries = spec.tableEntries else { throw LuaHostError("request: 'as' must be a table like {roles = {\"warga\"}}") }
        let roleNames = TestCallers.strings(entries["roles"]) ?? ["warga"]
        guard let roles = Role.parse(roleNames), !roles.isEmpty else {
            throw LuaHostError("request: 'as.roles' must list roles from: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let opds = (TestCallers.strings(entries["opds"]) ?? []).sorted()
        // `name` tells apart several users with the same roles (e.g. two citizens).
        let name = entries["name"]?.stringValue
        if let name, name.isEmpty || name.count > 60 { throw LuaHostError("request: 'as.name' must be 1 to 60 characters") }
        let key = roles.map(\.rawValue).joined(separator: "+") + "@" + opds.joined(separator: "+") + (name.map { "#" + $0 } ?? "")
        if let known = tokens.withLock({ $0[key] }) { return known }
        let password = TestKernel.password("t")
        let number = tokens.withLock { $0.count } + 1
        do {
            let user = try kernel.addUser("\(name ?? "Penguji") \(number)", roles: roles, opds: opds, password: password)
            let token = try kernel.signIn(user.email ?? "", password).token
            tokens.withLock { $0[key] = token }
            return token
        } catch {
            throw LuaHostError("request: could not create the test caller \(key): \(error)")
        }
    }

    /// A live API key with these scopes (one per name and scope list, shared by all test files).
    func apiKey(name: String, scopes: [String]) throws -> String {
        let key = "key:" + name + "|" + scopes.joined(separator: ",")
        if let known = tokens.withLock({ $0[key] }) { return known }
        do {
            let secret = try kernel.kernel.auth.apiKeys.create(name: name, scopes: scopes, createdBy: "klik-test").key
            tokens.withLock { $0[key] = secret }
            return secret
        } catch {
            throw LuaHostError("api_key: could not create the test key: \(error)")
        }
    }

    static func strings(_ value: LuaValue?) -> [String]? {
        guard let value else { return nil }
        if case .array(let items) = value { return items.compactMap(\.stringValue) }
        if let entries = value.tableEntries { return entries.isEmpty ? [] : entries.sorted { $0.key < $1.key }.compactMap(\.value.stringValue) }
        return nil
    }
}
