import Foundation

/// `klik plugin new <id>`: a small working plugin — manifest, `main.lua`, a test and a README —
/// that passes `klik plugin check` and `klik plugin test` as generated.
enum PluginScaffold {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func create(id: String, manifests: URL, plugins: URL) throws -> [String] {
        guard id.range(of: "^[a-z][a-z0-9-]{1,40}$", options: .regularExpression) != nil else {
            throw Failure(description: "id '\(id)' harus huruf kecil, angka dan '-' / must match ^[a-z][a-z0-9-]{1,40}$")
        }
        let fm = FileManager.default
        let manifest = manifests.appendingPathComponent("\(id).json")
        let folder = plugins.appendingPathComponent(id)
        if fm.fileExists(atPath: manifest.path) || fm.fileExists(atPath: folder.path) {
            throw Failure(description: "\(id) sudah ada / already exists (\(manifest.path) or \(folder.path))")
        }
        try fm.createDirectory(at: folder.appendingPathComponent("tests"), withIntermediateDirectories: true)
        try fm.createDirectory(at: manifests, withIntermediateDirectories: true)
        let files: [(URL, String)] = [
            (manifest, manifestText(id)),
            (folder.appendingPathComponent("main.lua"), mainText(id)),
            (folder.appendingPathComponent("tests/\(id)_test.lua"), testText(id)),
            (folder.appendingPathComponent("README.md"), readmeText(id)),
        ]
        for (url, text) in files { try text.write(to: url, atomically: true, encoding: .utf8) }
        return files.map(\.0.path)
    }

    static func manifestText(_ id: String) -> String {
        """
        {
          "$schema": "../docs/manifest.schema.json",
          "id": "\(id)",
          "version": "0.1.0",
          "kernel": "^1.0",
          "name": { "id": "\(id)", "en": "\(id)" },
          "description": { "id": "Plugin baru", "en": "A new plugin" },
          "permissions": ["storage"],
          "routes": [
            { "method": "GET", "path": "/items", "handler": "list_items", "access": "public" },
            { "method": "POST", "path": "/items", "handler": "create_item", "access": "public" },
            { "method": "GET", "path": "/items/{id}", "handler": "get_item", "access": "public" }
          ],
          "menu": { "title": { "id": "\(id)", "en": "\(id)" }, "icon": "star", "order": 100, "audience": "public" },
          "settings": {
            "type": "object",
            "properties": {
              "greeting": { "type": "string", "default": "Halo", "description": "Salam pembuka / greeting shown with the list" }
            }
          },
          "collections": [
            {
              "name": "items",
              "fields": [
                { "name": "title", "type": "string", "required": true },
                { "name": "done", "type": "boolean" }
              ],
              "indexes": [ { "fields": ["title"] } ]
            }
          ]
        }

        """
    }

    static func mainText(_ id: String) -> String {
        """
        -- \(id): handlers named by Manifests/\(id).json. Each receives a request table and returns
        -- a response table. See docs/plugins.md and docs/plugin-api.md.
        local M = {}

        function M.list_items(req)
          local page = klik.db.find("items", { order = "title", limit = 20, after = req.query.after })
          return { json = { greeting = klik.settings.get("greeting"), items = page.items, next = page.next } }
        end

        function M.create_item(req)
          local body = req.body
          if type(body) ~= "table" or type(body.title) ~= "string" or body.title == "" then
            return { status = 400, json = { error = { code = "invalid", message = "title wajib diisi / title is required" } } }
          end
          local item = klik.db.insert("items", { title = body.title, done = body.done == true })
          klik.log.info("item created", { id = item.id })
          return { status = 201, json = item }
        end

        function M.get_item(req)
          local item = klik.db.get("items", tonumber(req.params.id))
          if not item then
            return { status = 404, json = { error = { code = "not_found", message = "Tidak ditemukan / Not found" } } }
          end
          return { json = item }
        end

        return M

        """
    }

    static func testText(_ id: String) -> String {
        """
        -- Run with: klik plugin test \(id)
        describe("\(id)", function()
          it("creates an item and reads it back", function()
            local created = post("/items", { json = { title = "Jalan rusak" } })
            expect(created.status).to_be(201)
            local fetched = get("/items/" .. created.json.id)
            expect(fetched.status).to_be(200)
            expect(fetched.json.title).to_be("Jalan rusak")
          end)

          it("refuses an item without a title", function()
            expect(post("/items", { json = {} }).status).to_be(400)
          end)

          it("lists items with the greeting setting", function()
            post("/items", { json = { title = "Lampu jalan" } })
            local list = get("/items")
            expect(list.json.greeting).to_be("Halo")
            expect(#list.json.items > 0).to_be(true)
          end)
        end)

        """
    }

    static func readmeText(_ id: String) -> String {
        """
        # \(id)

        What this plugin does, for admins: *(describe it here, in Bahasa Indonesia and English)*.

        ## Routes

        | method | path | who |
        |---|---|---|
        | GET | `/api/v1/\(id)/items` | public |
        | POST | `/api/v1/\(id)/items` | public |
        | GET | `/api/v1/\(id)/items/{id}` | public |

        ## Settings

        | name | default | meaning |
        |---|---|---|
        | `greeting` | `Halo` | greeting shown with the list |

        ## Develop

        ```sh
        klik plugin check \(id)
        klik plugin test \(id)
        ```

        """
    }
}
