import Foundation
import Testing
import KlikAuth
import KlikCore
import KlikTesting

/// Every kernel route and the fixture plugin's routes × every kind of caller → exactly the
/// allowed status.
@Suite(.serialized) struct AuthorizationMatrixTests {
    let kernel: TestKernel
    let tokens: [String: String]

    init() throws {
        let root = try TestKernel.temporaryDirectory()
        let (manifests, plugins) = try AuthFixture.writePlugin(root: root)
        kernel = try TestKernel(manifests: manifests, plugins: plugins, directory: root)
        tokens = try AuthFixture.signInAll(kernel)
    }

    func call(_ method: String, _ path: String, as who: String, body: String = "{}") throws -> Int {
        var headers: [String: String] = ["Content-Type": "application/json"]
        if let token = tokens[who] { headers["Authorization"] = "Bearer " + token }
        return try kernel.client.request(method, path, headers: headers, body: method == "GET" ? [] : Array(body.utf8)).status
    }

    /// Expected statuses in `AuthFixture.callers` order. Bodies are `{}`, so an allowed caller
    /// of a route that needs fields gets 400 and of an unknown id 404 — past the access check.
    /// `POST /api/v1/auth/logout` is left out (it ends the session); AuthRoutesTests covers it.
    static let matrix: [(String, String, [Int])] = [
        //                                          anon warga  pA   pB  kepala admin pimp
        ("GET", "/healthz",                         [200, 200, 200, 200, 200, 200, 200]),
        ("GET", "/api/v1/me",                       [401, 200, 200, 200, 200, 200, 200]),
        ("GET", "/api/v1/uji-akses/umum",           [200, 200, 200, 200, 200, 200, 200]),
        ("GET", "/api/v1/uji-akses/saya",           [401, 200, 200, 200, 200, 200, 200]),
        ("GET", "/api/v1/uji-akses/opd",            [401, 403, 200, 200, 200, 403, 403]),
        ("POST", "/api/v1/uji-akses/verifikasi",    [401, 403, 403, 403, 200, 200, 403]),
        ("GET", "/api/v1/uji-akses/rekan",          [401, 403, 200, 200, 200, 403, 403]),
        ("GET", "/metrics",                         [200, 200, 200, 200, 200, 200, 200]),
        ("GET", "/openapi.json",                    [200, 200, 200, 200, 200, 200, 200]),
        ("GET", "/api/v1/menu",                     [200, 200, 200, 200, 200, 200, 200]),
        ("POST", "/api/v1/auth/login",              [400, 400, 400, 400, 400, 400, 400]),
        ("POST", "/api/v1/auth/register",           [400, 400, 400, 400, 400, 400, 400]),
        ("POST", "/api/v1/auth/password",           [401, 400, 400, 400, 400, 400, 400]),
        ("GET", "/api/v1/admin/plugins",            [401, 403, 403, 403, 403, 200, 200]),
        ("GET", "/api/v1/admin/plugins/uji-akses",  [401, 403, 403, 403, 403, 200, 200]),
        ("GET", "/api/v1/admin/plugins/uji-akses/settings", [401, 403, 403, 403, 403, 200, 200]),
        ("PUT", "/api/v1/admin/plugins/uji-akses/settings", [401, 403, 403, 403, 403, 200, 403]),
        ("POST", "/api/v1/admin/plugins/uji-akses/reload",  [401, 403, 403, 403, 403, 200, 403]),
        ("POST", "/api/v1/admin/plugins/nope/disable",      [401, 403, 403, 403, 403, 404, 403]),
        ("POST", "/api/v1/admin/plugins/nope/enable",       [401, 403, 403, 403, 403, 404, 403]),
        ("GET", "/api/v1/admin/users",              [401, 403, 403, 403, 403, 200, 200]),
        ("GET", "/api/v1/admin/users/u_none",       [401, 403, 403, 403, 403, 404, 404]),
        ("POST", "/api/v1/admin/users",             [401, 403, 403, 403, 403, 400, 403]),
        ("PUT", "/api/v1/admin/users/u_none/roles", [401, 403, 403, 403, 403, 404, 403]),
        ("POST", "/api/v1/admin/users/u_none/disable", [401, 403, 403, 403, 403, 404, 403]),
        ("POST", "/api/v1/admin/users/u_none/enable",  [401, 403, 403, 403, 403, 404, 403]),
        ("GET", "/api/v1/admin/opds",               [401, 403, 403, 403, 403, 200, 200]),
        ("POST", "/api/v1/admin/opds",              [401, 403, 403, 403, 403, 400, 403]),
        ("PUT", "/api/v1/admin/opds/NONE",          [401, 403, 403, 403, 403, 404, 403]),
        ("GET", "/api/v1/admin/opds/OPDA/members",  [401, 403, 403, 403, 403, 200, 200]),
        ("POST", "/api/v1/admin/opds/OPDA/members", [401, 403, 403, 403, 403, 400, 403]),
        ("DELETE", "/api/v1/admin/opds/OPDA/members/u_none", [401, 403, 403, 403, 403, 200, 403]),
        ("GET", "/api/v1/admin/api-keys",           [401, 403, 403, 403, 403, 200, 200]),
        ("POST", "/api/v1/admin/api-keys",          [401, 403, 403, 403, 403, 400, 403]),
        ("DELETE", "/api/v1/admin/api-keys/k_none", [401, 403, 403, 403, 403, 404, 403]),
        ("GET", "/api/v1/admin/audit",              [401, 403, 403, 403, 403, 200, 200]),
        ("GET", "/api/v1/admin/calendar/holidays",  [401, 403, 403, 403, 403, 200, 200]),
        ("PUT", "/api/v1/admin/calendar/holidays/1999-01-01", [401, 403, 403, 403, 403, 400, 403]),
        ("DELETE", "/api/v1/admin/calendar/holidays/1999-01-01", [401, 403, 403, 403, 403, 404, 403]),
        ("GET", "/api/v1/me/notifications",         [401, 200, 200, 200, 200, 200, 200]),
        ("GET", "/api/v1/me/notifications/unread-count", [401, 200, 200, 200, 200, 200, 200]),
        ("POST", "/api/v1/me/notifications/read-all",    [401, 200, 200, 200, 200, 200, 200]),
        ("POST", "/api/v1/me/notifications/u_none/read", [401, 404, 404, 404, 404, 404, 404]),
        ("GET", "/api/v1/me/events?last_event_id=bad",   [401, 400, 400, 400, 400, 400, 400]), // a stream when valid
        ("GET", "/api/v1/me/channels",              [401, 200, 200, 200, 200, 200, 200]),
        ("POST", "/api/v1/me/channels",             [401, 400, 400, 400, 400, 400, 400]),
        ("DELETE", "/api/v1/me/channels/u_none",    [401, 404, 404, 404, 404, 404, 404]),
        ("GET", "/api/v1/admin/opds/OPDA/channels", [401, 403, 403, 403, 403, 200, 200]),
        ("POST", "/api/v1/admin/opds/OPDA/channels", [401, 403, 403, 403, 403, 400, 403]),
        ("DELETE", "/api/v1/admin/opds/OPDA/channels/u_none", [401, 403, 403, 403, 403, 404, 403]),
        ("GET", "/api/v1/admin/deliveries",         [401, 403, 403, 403, 403, 200, 200]),
        ("POST", "/api/v1/admin/deliveries/u_none/replay", [401, 403, 403, 403, 403, 404, 403]),
    ]

    /// Every kernel route listed in /openapi.json is in the matrix (or is logout).
    @Test func matrixCoversEveryKernelRoute() throws {
        let doc = try JSONParser.parse(kernel.client.get("/openapi.json").body)
        let covered = Set(Self.matrix.map { "\($0.0) \($0.1.split(separator: "?")[0])" })
        var missing: [String] = []
        for (path, ops) in doc["paths"]?.objectValue ?? [:] where !path.hasPrefix("/api/v1/uji-akses") {
            for method in (ops.objectValue ?? [:]).keys {
                let m = method.uppercased()
                let concrete = path.replacingOccurrences(of: "{id}", with: path.contains("plugins") ? "uji-akses" : "u_none")
                    .replacingOccurrences(of: "{code}", with: "OPDA").replacingOccurrences(of: "{user}", with: "u_none")
                    .replacingOccurrences(of: "{date}", with: "1999-01-01")
                let alternatives = [concrete, concrete.replacingOccurrences(of: "uji-akses", with: "nope"),
                                    concrete.replacingOccurrences(of: "u_none", with: "k_none"), concrete.replacingOccurrences(of: "OPDA", with: "NONE")]
                if path != "/api/v1/auth/logout", !alternatives.contains(where: { covered.contains("\(m) \($0)") }) { missing.append("\(m) \(path)") }
            }
        }
        #expect(missing.isEmpty, "\(missing.sorted())")
    }

    @Test func everyRouteTimesEveryCaller() throws {
        var mismatches: [String] = []
        for (method, path, expected) in Self.matrix {
            for (who, want) in zip(AuthFixture.callers, expected) {
                let got = try call(method, path, as: who)
                if got != want { mismatches.append("\(method) \(path) as \(who): \(got), expected \(want)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }

    @Test func menuShowsWhatTheCallerMaySee() throws {
        let anonymous = try JSONParser.parse(kernel.client.get("/api/v1/menu").body)
        #expect(anonymous["menu"]?.arrayValue?.isEmpty == true)
        let token = try #require(tokens["warga"])
        let signedIn = try JSONParser.parse(kernel.client.get("/api/v1/menu", headers: ["Authorization": "Bearer " + token]).body)
        let entry = signedIn["menu"]?.arrayValue?.first
        #expect(entry?["title"]?["id"] == "Uji akses" && entry?["title"]?["en"] == "Access test")
    }

    @Test func openAPIListsKernelAndPluginRoutes() throws {
        let doc = try JSONParser.parse(kernel.client.get("/openapi.json").body)
        #expect(doc["openapi"] == "3.1.0")
        #expect(doc["paths"]?["/api/v1/auth/login"]?["post"] != nil)
        #expect(doc["paths"]?["/api/v1/uji-akses/verifikasi"]?["post"]?["x-klik-access"] == "kepala_opd, admin")
    }

    @Test func pluginsSeeTheCallerButNoCredentials() throws {
        let token = try #require(tokens["petugas_a"])
        let r = try kernel.client.get("/api/v1/uji-akses/saya", headers: ["Authorization": "Bearer " + token, "Cookie": "x=1"])
        let body = try JSONParser.parse(r.body)
        #expect(body["user"]?["roles"] == ["petugas"])
        #expect(body["user"]?["opds"] == ["OPDA"])
        #expect(body["headers"]?["authorization"] == nil && body["headers"]?["cookie"] == nil)
        #expect(!r.text.contains(token))

        let rekan = try kernel.client.get("/api/v1/uji-akses/rekan", headers: ["Authorization": "Bearer " + token])
        #expect(rekan.status == 200)
        let json = try JSONParser.parse(rekan.body)
        #expect(json["people"]?.arrayValue?.count == 2) // petugas A and the kepala of OPD A
        #expect(json["one"]?["name"] == "Uji petugas_a")
        #expect(json["opd"]?.arrayValue?.count == 2)
        #expect(!rekan.text.contains("argon2") && !rekan.text.contains("@example.test"))
    }
}
