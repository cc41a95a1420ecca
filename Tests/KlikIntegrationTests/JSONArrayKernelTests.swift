// Empty JSON arrays survive the trip through a plugin: `[]` stays `[]`, never `{}`.
import Foundation
import Testing
import KlikCore
import KlikTesting

@Suite struct JSONArrayKernelTests {
    @Test func emptyArraysEncodeAsArrays() throws {
        let ws = try PluginWorkspace()
        defer { ws.remove() }
        try ws.write(id: "lists", handlers: [
            ("found", "return { json = { items = klik.db.find('things').items } }"),
            ("marked", "return { json = { items = klik.json.array({}), plain = {} } }"),
            ("encoded", """
                local t = klik.json.decode('{"a":[],"b":{}}')
                return { json = { direct = klik.json.encode(klik.json.array({})), round = klik.json.encode(t),
                  hidden = __klik_json_array == nil, meta = getmetatable(klik.json.array({})),
                  refused = (pcall(klik.json.array, setmetatable({}, {}))) } }
                """),
        ], permissions: ["storage"], collections: #"[{ "name": "things", "fields": [{ "name": "x", "type": "string" }] }]"#)
        let kernel = try ws.start()
        defer { kernel.stop() }

        let found = try kernel.client.get("/api/v1/lists/found")
        #expect(found.text == #"{"items":[]}"#)
        #expect(json(try kernel.client.get("/api/v1/lists/marked")) == ["items": [], "plain": [:]])
        let encoded = json(try kernel.client.get("/api/v1/lists/encoded"))
        #expect(encoded["direct"] == "[]")
        #expect(try JSONParser.parse(encoded["round"]?.stringValue ?? "") == ["a": [], "b": [:]])
        #expect(encoded["hidden"] == true && encoded["meta"] == false && encoded["refused"] == false, "\(encoded)")
    }
}
