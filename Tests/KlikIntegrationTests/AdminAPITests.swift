import Foundation
import Testing
import KlikAuth
import KlikCore
import KlikTesting

/// The admin API over HTTP: plugins, settings, users, OPDs, API keys, audit; pimpinan reads only.
@Suite(.serialized) struct AdminAPITests {
    let root: URL
    let manifests: URL
    let plugins: URL
    var kernel: TestKernel
    let tokens: [String: String]

    init() throws {
        root = try TestKernel.temporaryDirectory()
        (manifests, plugins) = try AuthFixture.writePlugin(root: root)
        kernel = try TestKernel(manifests: manifests, plugins: plugins, directory: root)
        tokens = try AuthFixture.signInAll(kernel)
    }

    func send(_ method: String, _ path: String, as who: String = "admin", json: String? = nil, on k: TestKernel? = nil) throws -> TestResponse {
        var headers: [String: String] = [:]
        if let token = tokens[who] { headers["Authorization"] = "Bearer " + token }
        if json != nil { headers["Content-Type"] = "application/json" }
        return try (k ?? kernel).client.request(method, path, headers: headers, body: Array((json ?? "").utf8))
    }

    func audit(_ query: String, on k: TestKernel? = nil) throws -> [JSONValue] {
        try JSONParser.parse(send("GET", "/api/v1/admin/audit?" + query, on: k).body)["entries"]?.arrayValue ?? []
    }

    @Test func disablingAPluginIsImmediateAuditedAndSurvivesRestart() throws {
        #expect(try send("GET", "/api/v1/uji-akses/umum").status == 200)
        let list = try JSONParser.parse(send("GET", "/api/v1/admin/plugins").body)
        #expect(list["plugins"]?.arrayValue?.first?["state"] == "active")
        #expect(list["plugins"]?.arrayValue?.first?["requests"] == .integer(1))

        let started = Date()
        #expect(try send("POST", "/api/v1/admin/plugins/uji-akses/disable").status == 200)
        #expect(try send("GET", "/api/v1/uji-akses/umum").status == 404)
        #expect(Date().timeIntervalSince(started) < 1)
        let entries = try audit("action=plugin.disable")
        #expect(entries.count == 1)
        #expect(entries.first?["actor"]?.stringValue?.hasPrefix("user:") == true)
        #expect(entries.first?["address"] == "127.0.0.1")

        kernel.stop()
        let restarted = try TestKernel(manifests: manifests, plugins: plugins, directory: root)
        #expect(try send("GET", "/api/v1/uji-akses/umum", on: restarted).status == 404)
        #expect(try send("POST", "/api/v1/admin/plugins/uji-akses/enable", on: restarted).status == 200)
        #expect(try send("GET", "/api/v1/uji-akses/umum", on: restarted).status == 200)
        restarted.stop()
    }

    @Test func settingsAreValidatedSavedReloadedAndAuditedWithBeforeAndAfter() throws {
        let bad = try send("PUT", "/api/v1/admin/plugins/uji-akses/settings", json: #"{"salam": 5, "lain": true}"#)
        #expect(bad.status == 400)
        #expect(bad.text.contains("$.salam") && bad.text.contains("$.lain"))
        #expect(try send("PUT", "/api/v1/admin/plugins/uji-akses/settings", as: "pimpinan", json: #"{"salam": "Hai"}"#).status == 403)
        let ok = try send("PUT", "/api/v1/admin/plugins/uji-akses/settings", json: #"{"salam": "Selamat pagi"}"#)
        #expect(ok.status == 200)
        #expect(try JSONParser.parse(send("GET", "/api/v1/uji-akses/umum").body)["salam"] == "Selamat pagi")
        #expect(try JSONParser.parse(send("GET", "/api/v1/admin/plugins/uji-akses/settings", as: "pimpinan").body)["settings"]?["salam"] == "Selamat pagi")
        let entry = try audit("action=plugin.settings").first
        #expect(entry?["detail"]?["before"]?["salam"] == "Halo")
        #expect(entry?["detail"]?["after"]?["salam"] == "Selamat pagi")
    }

    @Test func staffAccountsRolesOPDsAndDisabling() throws {
        #expect(try send("POST", "/api/v1/admin/opds", json: #"{"code": "DPUPR", "name": {"id": "Dinas PUPR", "en": "Public Works"}}"#).status == 201)
        #expect(try send("POST", "/api/v1/admin/opds", json: #"{"code": "DPUPR", "name": {"id": "x", "en": "y"}}"#).status == 409)
        #expect(try send("PUT", "/api/v1/admin/opds/DPUPR", json: #"{"name": {"id": "Dinas PUPR Pelalawan", "en": "Public Works Agency"}}"#).status == 200)
        let password = TestKernel.password("staf")
        let created = try send("POST", "/api/v1/admin/users", json: """
            {"name": "Joko Staf", "email": "joko@pelalawan.test", "roles": ["petugas"], "opds": ["DPUPR"], "password": "\(password)"}
            """)
        #expect(created.status == 201)
        let id = try #require(try JSONParser.parse(created.body)["user"]?["id"]?.stringValue)
        let members = try JSONParser.parse(send("GET", "/api/v1/admin/opds/DPUPR/members", as: "pimpinan").body)["members"]
        #expect(members?.arrayValue?.count == 1)

        let session = try kernel.signIn("joko@pelalawan.test", password)
        #expect(try kernel.client.get("/api/v1/uji-akses/opd", headers: ["Authorization": "Bearer " + session.token]).status == 200)
        #expect(try send("PUT", "/api/v1/admin/users/\(id)/roles", json: #"{"roles": ["warga"]}"#).status == 200)
        #expect(try kernel.client.get("/api/v1/uji-akses/opd", headers: ["Authorization": "Bearer " + session.token]).status == 403)
        #expect(try send("POST", "/api/v1/admin/users/\(id)/disable").status == 200)
        #expect(try kernel.client.get("/api/v1/me", headers: ["Authorization": "Bearer " + session.token]).status == 401)
        #expect(throws: TestClientError.self) { try kernel.signIn("joko@pelalawan.test", password) }

        let found = try JSONParser.parse(send("GET", "/api/v1/admin/users?role=petugas", as: "pimpinan").body)["users"]?.arrayValue ?? []
        #expect(found.count == 2)
        #expect(try audit("action=user.").count >= 3)
        #expect(!(try send("GET", "/api/v1/admin/users").text.contains("argon2")))
    }

    @Test func theLastActiveAdminCannotBeRemoved() throws {
        let me = try JSONParser.parse(send("GET", "/api/v1/me").body)["user"]?["id"]?.stringValue ?? ""
        let demote = try send("PUT", "/api/v1/admin/users/\(me)/roles", json: #"{"roles": ["warga"]}"#)
        #expect(demote.status == 409)
        #expect(try send("POST", "/api/v1/admin/users/\(me)/disable").status == 409)
        #expect(try JSONParser.parse(send("GET", "/api/v1/me").body)["user"]?["roles"] == ["admin"])
    }

    @Test func apiKeysAreShownOnceStoredHashedAndRevocable() throws {
        let created = try send("POST", "/api/v1/admin/api-keys", json: #"{"name": "Open311 kota", "scopes": ["open311:write"]}"#)
        #expect(created.status == 201)
        let json = try JSONParser.parse(created.body)
        let key = try #require(json["key"]?.stringValue)
        let id = try #require(json["api_key"]?["id"]?.stringValue)
        #expect(key.hasPrefix("klk_"))
        #expect(!(try send("GET", "/api/v1/admin/api-keys").text.contains(key)))
        let me = try kernel.client.get("/api/v1/me", headers: ["X-API-Key": key])
        #expect(me.status == 200)
        #expect(try JSONParser.parse(me.body)["api_key"]?["scopes"] == ["open311:write"])
        #expect(try kernel.client.get("/api/v1/admin/users", headers: ["X-API-Key": key]).status == 403)
        // Open311 style: `api_key` as a query or form parameter; the plugin sees the key's
        // description, never the key.
        let viaQuery = try kernel.client.get("/api/v1/uji-akses/umum?api_key=\(key)&service_code=001")
        let q = try JSONParser.parse(viaQuery.body)
        #expect(q["api_key"]?["scopes"] == ["open311:write"])
        #expect(q["query"]?["service_code"] == "001" && q["query"]?["api_key"] == nil)
        let viaForm = try kernel.client.request("POST", "/api/v1/uji-akses/umum", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                                body: Array("service_code=001&api_key=\(key)".utf8))
        let f = try JSONParser.parse(viaForm.body)
        #expect(f["api_key"]?["id"] == .string(id))
        #expect(f["body"]?["service_code"] == "001" && f["body"]?["api_key"] == nil)
        #expect(!viaQuery.text.contains(key) && !viaForm.text.contains(key))
        // Multipart (Open311 v2.1 `media` uploads) carries the key as a form field too, and names
        // ending in `[]` arrive as lists.
        var multipart = MultipartBody()
        multipart.fields = [("service_code", "001"), ("api_key", key), ("attribute[x][]", "a"), ("attribute[x][]", "b")]
        let viaMultipart = try kernel.client.request("POST", "/api/v1/uji-akses/umum", headers: ["Content-Type": multipart.contentType],
                                                     body: multipart.bytes)
        let m = try JSONParser.parse(viaMultipart.body)
        #expect(m["api_key"]?["id"] == .string(id))
        #expect(m["body"]?["attribute[x][]"] == ["a", "b"] && m["body"]?["api_key"] == nil)
        let listForm = try kernel.client.request("POST", "/api/v1/uji-akses/umum", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                                 body: Array("v=1&v=2&l%5B%5D=a&l%5B%5D=b".utf8))
        let lf = try JSONParser.parse(listForm.body)
        #expect(lf["body"]?["v"] == "2" && lf["body"]?["l[]"] == ["a", "b"])
        // The listing tells when the key was last used.
        let listed = try JSONParser.parse(send("GET", "/api/v1/admin/api-keys").body)["api_keys"]?.arrayValue ?? []
        let used = listed.first { $0["id"] == .string(id) }?["last_used_at"]?.stringValue
        #expect(used?.hasPrefix("20") == true)
        #expect(try send("DELETE", "/api/v1/admin/api-keys/\(id)", as: "pimpinan").status == 403)
        #expect(try send("DELETE", "/api/v1/admin/api-keys/\(id)").status == 200)
        #expect(try kernel.client.get("/api/v1/me", headers: ["Authorization": "Bearer " + key]).status == 401)
        #expect(try audit("action=apikey.").count == 2)
    }
}
