import Foundation
import KlikAuth
import KlikCore

/// A plugin with one route per access rule, and one account per kind of caller — the cast of the
/// authorization matrix: anonymous, warga, petugas of OPD A, petugas of OPD B, kepala_opd (OPD A),
/// admin, pimpinan.
public enum AuthFixture {
    public static let pluginId = "uji-akses"
    public static let callers = ["anonymous", "warga", "petugas_a", "petugas_b", "kepala_opd", "admin", "pimpinan"]

    /// Writes `Manifests/uji-akses.json` and `Plugins/uji-akses/main.lua` under `root`.
    public static func writePlugin(root: URL) throws -> (manifests: URL, plugins: URL) {
        let manifests = root.appendingPathComponent("Manifests"), plugins = root.appendingPathComponent("Plugins")
        let folder = plugins.appendingPathComponent(pluginId)
        try FileManager.default.createDirectory(at: manifests, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try manifest.write(to: manifests.appendingPathComponent("\(pluginId).json"), atomically: true, encoding: .utf8)
        try main.write(to: folder.appendingPathComponent("main.lua"), atomically: true, encoding: .utf8)
        return (manifests, plugins)
    }

    /// Creates the accounts; answers bearer tokens by caller name (no entry for anonymous).
    public static func signInAll(_ kernel: TestKernel) throws -> [String: String] {
        let cast: [(String, [Role], [String])] = [
            ("warga", [.warga], []), ("petugas_a", [.petugas], ["OPDA"]), ("petugas_b", [.petugas], ["OPDB"]),
            ("kepala_opd", [.kepalaOPD], ["OPDA"]), ("admin", [.admin], []), ("pimpinan", [.pimpinan], []),
        ]
        var tokens: [String: String] = [:]
        for (name, roles, opds) in cast {
            let password = TestKernel.password(name)
            let user = try kernel.addUser("Uji \(name)", roles: roles, opds: opds, password: password)
            tokens[name] = try kernel.signIn(user.email ?? "", password).token
        }
        return tokens
    }

    static let manifest = """
    {
      "id": "uji-akses", "version": "1.0.0", "kernel": "^1.0",
      "name": { "id": "Uji akses", "en": "Access test" },
      "description": { "id": "Rute untuk uji hak akses", "en": "Routes for access tests" },
      "permissions": ["users:read"],
      "routes": [
        { "method": "GET", "path": "/umum", "handler": "umum", "access": "public" },
        { "method": "POST", "path": "/umum", "handler": "umum", "access": "public" },
        { "method": "GET", "path": "/saya", "handler": "saya", "access": "user" },
        { "method": "GET", "path": "/opd", "handler": "opd", "access": "opd" },
        { "method": "POST", "path": "/verifikasi", "handler": "verifikasi", "access": { "roles": ["kepala_opd", "admin"] } },
        { "method": "GET", "path": "/rekan", "handler": "rekan", "access": { "roles": ["petugas", "kepala_opd"] } }
      ],
      "menu": { "title": { "id": "Uji akses", "en": "Access test" }, "icon": "lock", "order": 5, "audience": "user" },
      "settings": {
        "type": "object",
        "properties": {
          "salam": { "type": "string", "default": "Halo", "description": "Salam / greeting" }
        }
      }
    }
    """

    static let main = """
    local M = {}
    function M.umum(req)
      return { json = { user = req.user or false, salam = klik.settings.get("salam"), api_key = req.api_key or false,
                        query = req.query, body = req.body or false } }
    end
    function M.saya(req) return { json = { user = req.user, headers = req.headers } } end
    function M.opd(req) return { json = { opds = req.user.opds } } end
    function M.verifikasi(req) return { json = { ok = true, by = req.user.id } } end
    function M.rekan(req)
      local people = klik.users.find({ opd = req.user.opds[1] })
      return { json = { people = people, one = klik.users.get(req.user.id), opd = klik.opd.list() } }
    end
    return M
    """
}
