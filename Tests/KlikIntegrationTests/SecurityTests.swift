import Foundation
import Testing
import KlikAuth
import KlikCore
import KlikStorage
import KlikTesting

/// Secrets never leak; stronger argon2 parameters rehash on sign-in; `klik user add`.
@Suite(.serialized) struct SecurityTests {
    @Test func noPasswordTokenOrHashInLogsResponsesOrAudit() throws {
        let root = try TestKernel.temporaryDirectory()
        let (manifests, plugins) = try AuthFixture.writePlugin(root: root)
        let kernel = try TestKernel(manifests: manifests, plugins: plugins, directory: root)
        defer { kernel.stop() }
        let password = TestKernel.password("rahasia")
        let user = try kernel.addUser("Ani Rahasia", roles: [.petugas], opds: ["OPDA"], password: password)
        let admin = TestKernel.password("admin")
        try kernel.addUser("Admin Rahasia", roles: [.admin], password: admin)
        let session = try kernel.signIn("ani.rahasia@example.test", password)
        let adminToken = try kernel.signIn("admin.rahasia@example.test", admin).token
        let hash = try #require(try kernel.kernel.auth.users.passwordHash(user.id))

        var bodies: [String] = []
        let bearer = ["Authorization": "Bearer " + session.token]
        let adminBearer = ["Authorization": "Bearer " + adminToken]
        for (method, path, headers, body) in [
            ("GET", "/api/v1/me", bearer, ""), ("GET", "/api/v1/uji-akses/saya", bearer, ""), ("GET", "/api/v1/uji-akses/rekan", bearer, ""),
            ("GET", "/api/v1/admin/users", adminBearer, ""), ("GET", "/api/v1/admin/users/\(user.id)", adminBearer, ""),
            ("GET", "/api/v1/admin/audit", adminBearer, ""), ("GET", "/api/v1/admin/opds/OPDA/members", adminBearer, ""),
            ("POST", "/api/v1/auth/login", [:], #"{"login": "ani.rahasia@example.test", "password": "\#(password)x"}"#),
            ("POST", "/api/v1/auth/password", bearer, #"{"current_password": "\#(password)", "new_password": "pendek"}"#),
            ("GET", "/openapi.json", [:], ""), ("GET", "/metrics", [:], ""),
        ] {
            var h = headers
            h["Content-Type"] = "application/json"
            bodies.append(try kernel.client.request(method, path, headers: h, body: Array(body.utf8)).text)
        }
        kernel.kernel.plugins.audit.flush()
        let audit = try kernel.kernel.database.read { c in try c.query("SELECT detail, target, actor FROM klik_audit") }
            .map { "\($0[0].string ?? "") \($0[1].string ?? "") \($0[2].string ?? "")" }
        let everything = bodies + kernel.logs.lines + audit
        for secret in [password, admin, session.token, adminToken, session.csrf, hash, "$argon2id$"] {
            #expect(!everything.contains { $0.contains(secret) }, "leaked: \(secret.prefix(12))…")
        }
    }

    @Test func strongerParametersRehashOnSignIn() throws {
        let root = try TestKernel.temporaryDirectory()
        let password = TestKernel.password("rehash")
        let id: String
        do {
            let weak = try TestKernel(directory: root)
            id = try weak.addUser("Rudi Lama", roles: [.warga], password: password).id
            #expect(try weak.kernel.auth.users.passwordHash(id)?.contains("m=8,t=1") == true)
            weak.stop()
        }
        let strong = try TestKernel(directory: root, configure: { $0.auth.password = PasswordParameters(opsLimit: 2, memoryBytes: 1 << 20) })
        defer { strong.stop() }
        _ = try strong.signIn("rudi.lama@example.test", password)
        #expect(try strong.kernel.auth.users.passwordHash(id)?.contains("m=1024,t=2") == true)
        _ = try strong.signIn("rudi.lama@example.test", password)
    }

    @Test func userAddReadsThePasswordFromStdinNeverArguments() throws {
        let root = try TestKernel.temporaryDirectory()
        let data = root.appendingPathComponent("data").path
        let refused = try KlikProcess(["user", "add", "--role", "admin", "--name", "A", "--email", "a@pelalawan.test", "--password", "x", "--data", data])
        #expect(refused.waitForExit() == 2)
        #expect(refused.stderr.contains("never taken from the command line"))
        let password = TestKernel.password("cli")
        let added = try KlikProcess(["user", "add", "--role", "admin", "--name", "Admin Kominfo", "--email", "admin@pelalawan.test", "--data", data],
                                    input: password + "\n")
        #expect(added.waitForExit() == 0)
        #expect(!added.stderr.contains(password))
        let kernel = try TestKernel(directory: root)
        defer { kernel.stop() }
        let me = try kernel.client.get("/api/v1/me", headers: ["Authorization": "Bearer " + kernel.signIn("admin@pelalawan.test", password).token])
        #expect(try JSONParser.parse(me.body)["user"]?["roles"] == ["admin"])
    }
}

/// `klik plugin test`: Lua tests can call routes as a signed-in caller with `as = {roles, opds}`.
@Suite struct PluginTestCallerTests {
    @Test func luaTestsCallRoutesAsRolesAndOPDs() throws {
        let root = try TestKernel.temporaryDirectory()
        let (manifests, plugins) = try AuthFixture.writePlugin(root: root)
        let tests = plugins.appendingPathComponent("\(AuthFixture.pluginId)/tests")
        try FileManager.default.createDirectory(at: tests, withIntermediateDirectories: true)
        try """
        describe("akses", function()
          it("anonymous is refused", function() expect(get("/saya").status).to_be(401) end)
          it("a warga is signed in", function()
            local r = get("/saya", { as = { roles = { "warga" } } })
            expect(r.status).to_be(200)
            expect(r.json.user.roles[1]).to_be("warga")
          end)
          it("an OPD member passes, a warga does not", function()
            expect(get("/opd", { as = { roles = { "petugas" }, opds = { "DPUPR" } } }).json.opds[1]).to_be("DPUPR")
            expect(get("/opd", { as = { roles = { "warga" } } }).status).to_be(403)
          end)
        end)
        """.write(to: tests.appendingPathComponent("akses_test.lua"), atomically: true, encoding: .utf8)
        var output: [String] = []
        let summary = PluginTestRunner(manifests: manifests, plugins: plugins) { output.append($0) }.run([AuthFixture.pluginId])
        #expect(summary.passed == 3 && summary.failed == 0, "\(output.joined(separator: "\n"))")
    }
}
