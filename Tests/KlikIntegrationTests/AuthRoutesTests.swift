import Foundation
import Testing
import KlikAuth
import KlikCore
import KlikTesting

/// Register, sign in (bearer and cookie), CSRF, sign out, password change, throttling.
@Suite(.serialized) struct AuthRoutesTests {
    let kernel: TestKernel
    init() throws { kernel = try TestKernel() }

    func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer " + token] }

    @Test func registerSignInAndMe() throws {
        let password = TestKernel.password("reg")
        let reg = try kernel.client.post("/api/v1/auth/register", json: """
            {"name": "Siti Aminah", "phone": "0812-7654-3210", "password": "\(password)", "kecamatan": "Pangkalan Kerinci"}
            """)
        #expect(reg.status == 201)
        let user = try JSONParser.parse(reg.body)["user"]
        #expect(user?["roles"] == ["warga"])
        #expect(user?["phone"] == "6281276543210")

        let again = try kernel.client.post("/api/v1/auth/register", json: """
            {"name": "Siti Lain", "phone": "+62 812 7654 3210", "password": "\(password)x"}
            """)
        #expect(again.status == 409)

        let (token, _) = try kernel.signIn("081276543210", password)
        #expect(token.hasPrefix("kls_"))
        let me = try kernel.client.get("/api/v1/me", headers: bearer(token))
        #expect(me.status == 200)
        #expect(try JSONParser.parse(me.body)["user"]?["name"] == "Siti Aminah")
        #expect(!me.text.contains("argon2"))

        #expect(try kernel.client.get("/api/v1/me").status == 401)
        #expect(try kernel.client.get("/api/v1/me", headers: bearer("kls_forged")).status == 401)
    }

    @Test func registrationsPerAddressAreLimited() throws {
        var statuses: [Int] = []
        for i in 0..<21 {
            let r = try kernel.client.post("/api/v1/auth/register", json: #"{"name": "Warga \#(i)", "email": "w\#(i)@example.test", "password": "Sungai-Siak-Biru-\#(i)"}"#)
            statuses.append(r.status)
            if i == 20 { #expect(r.header("retry-after") != nil) }
        }
        #expect(statuses.prefix(20).allSatisfy { $0 == 201 })
        #expect(statuses.last == 429)
        kernel.clock.advance(by: 3600)
        #expect(try kernel.client.post("/api/v1/auth/register", json: #"{"name": "Warga Baru", "email": "baru@example.test", "password": "Sungai-Siak-Biru-99"}"#).status == 201)
    }

    @Test func weakPasswordsAreRefused() throws {
        for weak in ["pendek", "indonesia2024", "bismillah123", "sayangku12345"] {
            let r = try kernel.client.post("/api/v1/auth/register", json: #"{"name": "Budi", "email": "budi@example.test", "password": "\#(weak)"}"#)
            #expect(r.status == 400, "\(weak)")
            #expect(try JSONParser.parse(r.body)["error"]?["code"] == "weak_password")
        }
    }

    @Test func loginSetsCookiesAndCookieWritesNeedCSRF() throws {
        let password = TestKernel.password()
        try kernel.addUser("Rina Warga", roles: [.warga], password: password)
        let login = try kernel.client.post("/api/v1/auth/login", json: #"{"login": "rina.warga@example.test", "password": "\#(password)"}"#)
        #expect(login.status == 200)
        let cookie = login.header("set-cookie") ?? ""
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"))
        let json = try JSONParser.parse(login.body)
        let token = try #require(json["token"]?.stringValue)
        let csrf = try #require(json["csrf_token"]?.stringValue)
        let jar = "klik_session=\(token); klik_csrf=\(csrf)"

        #expect(try kernel.client.get("/api/v1/me", headers: ["Cookie": jar]).status == 200)
        let refused = try kernel.client.request("POST", "/api/v1/auth/logout", headers: ["Cookie": jar])
        #expect(refused.status == 403)
        #expect(try JSONParser.parse(refused.body)["error"]?["code"] == "csrf")
        let wrong = try kernel.client.request("POST", "/api/v1/auth/logout", headers: ["Cookie": jar, "X-CSRF-Token": "nope"])
        #expect(wrong.status == 403)
        let ok = try kernel.client.request("POST", "/api/v1/auth/logout", headers: ["Cookie": jar, "X-CSRF-Token": csrf])
        #expect(ok.status == 200)
        #expect(try kernel.client.get("/api/v1/me", headers: ["Cookie": jar]).status == 401)
    }

    @Test func logoutAndPasswordChangeRevokeSessions() throws {
        let password = TestKernel.password("a")
        try kernel.addUser("Dedi Petugas", roles: [.petugas], opds: ["DPUPR"], password: password)
        let login = "dedi.petugas@example.test"
        let first = try kernel.signIn(login, password)
        let second = try kernel.signIn(login, password)
        let third = try kernel.signIn(login, password)

        #expect(try kernel.client.request("POST", "/api/v1/auth/logout", headers: bearer(first.token)).status == 200)
        #expect(try kernel.client.get("/api/v1/me", headers: bearer(first.token)).status == 401)
        #expect(try kernel.client.get("/api/v1/me", headers: bearer(second.token)).status == 200)

        let newPassword = TestKernel.password("b")
        let wrong = try kernel.client.post("/api/v1/auth/password", json: #"{"current_password": "salah-sekali-ini", "new_password": "\#(newPassword)"}"#,
                                           headers: bearer(second.token))
        #expect(wrong.status == 400)
        let change = try kernel.client.post("/api/v1/auth/password", json: #"{"current_password": "\#(password)", "new_password": "\#(newPassword)"}"#,
                                            headers: bearer(second.token))
        #expect(change.status == 200)
        #expect(try kernel.client.get("/api/v1/me", headers: bearer(second.token)).status == 200)
        #expect(try kernel.client.get("/api/v1/me", headers: bearer(third.token)).status == 401)
        #expect(throws: TestClientError.self) { try kernel.signIn(login, password) }
        _ = try kernel.signIn(login, newPassword)
    }

    @Test func twentyWrongPasswordsThrottleThenOwnerSignsInAfterWindow() throws {
        let password = TestKernel.password("owner")
        try kernel.addUser("Wati Pemilik", roles: [.warga], password: password)
        var statuses: [Int] = []
        var retryAfter: String?
        for i in 0..<20 {
            let r = try kernel.client.post("/api/v1/auth/login", json: #"{"login": "wati.pemilik@example.test", "password": "tebakan-\#(i)-salah"}"#)
            statuses.append(r.status)
            if r.status == 429 { retryAfter = r.header("retry-after") }
        }
        #expect(statuses.prefix(10).allSatisfy { $0 == 401 })
        #expect(statuses.suffix(10).allSatisfy { $0 == 429 })
        #expect(Int(retryAfter ?? "") ?? 0 > 0)
        // Even the right password waits while throttled...
        let early = try kernel.client.post("/api/v1/auth/login", json: #"{"login": "wati.pemilik@example.test", "password": "\#(password)"}"#)
        #expect(early.status == 429)
        // ...but not for long: once the window passes, the owner is in.
        kernel.clock.advance(by: 15 * 60)
        _ = try kernel.signIn("wati.pemilik@example.test", password)

        // No password, token or hash in any log line.
        kernel.kernel.plugins.audit.flush()
        let logs = kernel.logs.lines.joined(separator: "\n")
        #expect(!logs.contains(password) && !logs.contains("tebakan-") && !logs.contains("argon2") && !logs.contains("kls_"))
    }
}
