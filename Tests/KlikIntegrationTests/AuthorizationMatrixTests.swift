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

    /// Expected statuses in `AuthFixture.callers` order.
    static let matrix: [(String, String, [Int])] = [
        //                                          anon warga  pA   pB  kepala admin pimp
        ("GET", "/healthz",                         [200, 200, 200, 200, 200, 200, 200]),
        ("GET", "/api/v1/me",                       [401, 200, 200, 200, 200, 200, 200]),
        ("GET", "/api/v1/uji-akses/umum",           [200, 200, 200, 200, 200, 200, 200]),
        ("GET", "/api/v1/uji-akses/saya",           [401, 200, 200, 200, 200, 200, 200]),
        ("GET", "/api/v1/uji-akses/opd",            [401, 403, 200, 200, 200, 403, 403]),
        ("POST", "/api/v1/uji-akses/verifikasi",    [401, 403, 403, 403, 200, 200, 403]),
        ("GET", "/api/v1/uji-akses/rekan",          [401, 403, 200, 200, 200, 403, 403]),
    ]

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
