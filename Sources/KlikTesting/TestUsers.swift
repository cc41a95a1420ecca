import Foundation
import KlikAuth
import KlikCore

/// Accounts and sessions for tests: created directly in the kernel's stores, signed in over HTTP.
extension TestKernel {
    /// A password that passes the policy, distinct per call.
    public static func password(_ tag: String = "") -> String { "Sungai-Kampar-\(tag)-\(UInt32.random(in: 1000...9999))" }

    /// Creates a user with `roles`, member of `opds` (created if missing).
    @discardableResult
    public func addUser(_ name: String, roles: [Role], opds: [String] = [], password: String) throws -> User {
        let email = name.lowercased().replacingOccurrences(of: " ", with: ".") + "@example.test"
        var user = try kernel.auth.createUser(.init(name: name, email: email, phone: nil, roles: roles), password: password)
        for code in opds {
            if try kernel.auth.agencies.get(code) == nil {
                try kernel.auth.agencies.create(Agency(code: code, nameId: "Dinas \(code)", nameEn: "\(code) Agency"))
            }
            try kernel.auth.agencies.addMember(code, userId: user.id)
        }
        user.opds = opds.sorted()
        return user
    }

    /// Signs in over HTTP; answers the bearer token and CSRF token.
    public func signIn(_ login: String, _ password: String) throws -> (token: String, csrf: String) {
        let body = JSONWriter.string(["login": .string(login), "password": .string(password)])
        let response = try client.post("/api/v1/auth/login", json: body)
        guard response.status == 200, let json = try? JSONParser.parse(response.body),
              let token = json["token"]?.stringValue, let csrf = json["csrf_token"]?.stringValue else {
            throw TestClientError(description: "sign-in failed: \(response.status) \(response.text)")
        }
        return (token, csrf)
    }
}
