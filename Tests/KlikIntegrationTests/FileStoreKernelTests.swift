import Foundation
import Testing
import KlikCore
import KlikTesting

/// `klik.files` on a real kernel: types sniffed from the bytes, metadata gone from what is
/// served (checked by parsing the served bytes), size and quota limits, delete, permission.
@Suite struct FileStoreKernelTests {
    static func upload(_ k: TestKernel, _ files: [MultipartBody.File], fields: [(String, String)] = [], path: String = "/photos") throws -> TestResponse {
        var form = MultipartBody()
        form.fields = fields
        form.files = files
        return try k.client.request("POST", "/api/v1/galeri" + path, headers: ["Content-Type": form.contentType], body: form.bytes)
    }

    static func photo(_ data: [UInt8], name: String = "foto.jpg", type: String = "image/jpeg") -> MultipartBody.File {
        .init(field: "photo", filename: name, contentType: type, data: data)
    }

    static func stored(_ r: TestResponse) throws -> JSONValue? { try JSONParser.parse(r.body)["files"]?.arrayValue?.first }

    /// SHA-256 by coreutils' `sha256sum`, independent of the kernel's own hashing.
    static func sha256sum(_ bytes: [UInt8]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        input.fileHandleForWriting.write(Data(bytes))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: out, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }

    static func blobs(_ k: TestKernel) -> [String] {
        let root = k.directory.appendingPathComponent("data/files/galeri")
        let shards = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return shards.filter { $0.count == 2 }.flatMap { (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent($0).path)) ?? [] }
    }

    @Test func aJPEGLosesExifGPSXMPAndCommentsAndIsServedWithSafeHeaders() throws {
        let k = try Fixtures.kernel(["galeri"])
        let r = try Self.upload(k, [Self.photo(TestImages.jpegWithGPS())])
        #expect(r.status == 201)
        let file = try #require(try Self.stored(r))
        #expect(file["type"] == "image/jpeg")
        #expect(file["width"]?.int64Value == 8 && file["height"]?.int64Value == 8)
        let id = try #require(file["id"]?.stringValue)
        let served = try k.client.get("/api/v1/galeri/photos/\(id)")
        #expect(served.status == 200)
        #expect(served.header("content-type") == "image/jpeg")
        #expect(served.header("x-content-type-options") == "nosniff")
        #expect(served.header("cache-control") == "private, max-age=3600")
        let probe = ImageProbe(served.body)
        #expect(probe.type == "jpeg")
        #expect(probe.parts == ["APP0", "DQT", "SOF0", "DHT", "DHT", "SOS", "EOI"])
        #expect(!probe.hasExif && !probe.hasGPS && !probe.hasXMP && !probe.hasText)
        #expect(Int64(served.body.count) == file["size"]?.int64Value)
        let digest = try Self.sha256sum(served.body)
        #expect(file["sha256"]?.stringValue == digest)
        #expect(served.header("etag") == "\"\(digest)\"")
        // The original upload is nowhere on disk: only the clean blob.
        #expect(Self.blobs(k) == [digest])
        let again = try k.client.get("/api/v1/galeri/photos/\(id)", headers: ["If-None-Match": "\"\(digest)\""])
        #expect(again.status == 304)
        #expect(again.body.isEmpty)
        let shared = try k.client.get("/api/v1/galeri/photos/\(id)?public=1")
        #expect(shared.header("cache-control") == "public, max-age=86400")
        #expect(shared.header("content-type") == "image/jpeg")
    }

    @Test func aPNGLosesEXIfTextAndTimeChunks() throws {
        let k = try Fixtures.kernel(["galeri"])
        let r = try Self.upload(k, [Self.photo(TestImages.pngWithMetadata(), name: "a.png", type: "image/png")])
        #expect(r.status == 201)
        let id = try #require(try Self.stored(r)?["id"]?.stringValue)
        let served = try k.client.get("/api/v1/galeri/photos/\(id)")
        #expect(served.header("content-type") == "image/png")
        let probe = ImageProbe(served.body)
        #expect(probe.parts == ["IHDR", "IDAT", "IEND"])
        #expect(!probe.hasExif && !probe.hasGPS && !probe.hasText)
    }

    @Test func aWebPLosesEXIFAndXMPChunksAndFlags() throws {
        let k = try Fixtures.kernel(["galeri"])
        let r = try Self.upload(k, [Self.photo(TestImages.webpWithExif(), name: "a.webp", type: "image/webp")])
        #expect(r.status == 201)
        let file = try #require(try Self.stored(r))
        #expect(file["width"]?.int64Value == 1)
        let served = try k.client.get("/api/v1/galeri/photos/\(file["id"]?.stringValue ?? "")")
        #expect(served.header("content-type") == "image/webp")
        let probe = ImageProbe(served.body)
        #expect(probe.parts == ["VP8X", "VP8L"])
        #expect(probe.webpFlags.map { $0 & 0x0C } == 0)
        #expect(!probe.hasExif && !probe.hasGPS && !probe.hasXMP)
        let riffSize = Int(served.body[4]) | Int(served.body[5]) << 8 | Int(served.body[6]) << 16 | Int(served.body[7]) << 24
        #expect(riffSize == served.body.count - 8)
    }

    @Test func htmlNamedJPGIsRefusedAndNothingIsStored() throws {
        let k = try Fixtures.kernel(["galeri"])
        let r = try Self.upload(k, [Self.photo(TestImages.htmlPretendingJPEG, name: "foto.jpg", type: "image/jpeg")])
        #expect(r.status == 415)
        let error = try JSONParser.parse(r.body)["error"]
        #expect(error?["code"] == "unsupported_type")
        #expect(error?["field"] == "photo")
        #expect(error?["message"]?.stringValue?.hasPrefix("photo: jenis berkas tidak didukung") == true)
        #expect(Self.blobs(k).isEmpty)
        let gif = try Self.upload(k, [Self.photo(Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 20))])
        #expect(gif.status == 415)
        var png = TestImages.pngWithMetadata()
        png.removeLast(12) // no IEND
        let damaged = try Self.upload(k, [Self.photo(png, name: "a.png")])
        #expect(damaged.status == 400)
        #expect(try JSONParser.parse(damaged.body)["error"]?["code"] == "invalid_image")
        let onlyPNG = try Self.upload(k, [Self.photo(TestImages.jpegWithGPS())], fields: [("types", "png")])
        #expect(onlyPNG.status == 415)
        #expect(Self.blobs(k).isEmpty)
    }

    /// A JPEG whose entropy-coded data is `size` bytes (kept by the cleaner), unique per `seed`.
    static func bigJPEG(_ size: Int, seed: UInt8) -> [UInt8] {
        var j = TestImages.jpegWithGPS()
        let eoi = j.count - 2
        j.insert(contentsOf: [UInt8](repeating: 0x11 &+ seed, count: size), at: eoi - 1)
        return j
    }

    @Test func theSizeCapAndTheQuotaAreEnforced() throws {
        let k = try Fixtures.kernel(["galeri"]) // file_mb 1, files_quota_mb 2
        let tooBig = try Self.upload(k, [Self.photo(Self.bigJPEG(1_100_000, seed: 0))])
        #expect(tooBig.status == 413)
        let e = try JSONParser.parse(tooBig.body)["error"]
        #expect(e?["code"] == "file_too_large")
        #expect(e?["message"]?.stringValue?.contains("photo: berkas melebihi 1 MiB") == true)
        for seed in 1...2 { #expect(try Self.upload(k, [Self.photo(Self.bigJPEG(900_000, seed: UInt8(seed)))]).status == 201) }
        let over = try Self.upload(k, [Self.photo(Self.bigJPEG(900_000, seed: 3))])
        #expect(over.status == 507)
        #expect(try JSONParser.parse(over.body)["error"]?["code"] == "quota_exceeded")
        #expect(Self.blobs(k).count == 2)
    }

    @Test func deleteRemovesTheFileAndItsBlobOnlyWhenUnused() throws {
        let k = try Fixtures.kernel(["galeri"])
        let a = try #require(try Self.stored(try Self.upload(k, [Self.photo(TestImages.jpegWithGPS())]))?["id"]?.stringValue)
        let b = try #require(try Self.stored(try Self.upload(k, [Self.photo(TestImages.jpegWithGPS())]))?["id"]?.stringValue)
        #expect(a != b)
        #expect(Self.blobs(k).count == 1) // same clean content, one blob
        #expect(try JSONParser.parse(try k.client.request("DELETE", "/api/v1/galeri/photos/\(a)").body)["deleted"] == true)
        #expect(try k.client.get("/api/v1/galeri/photos/\(a)").status == 404)
        #expect(try k.client.get("/api/v1/galeri/photos/\(a)/info").status == 404)
        #expect(try k.client.get("/api/v1/galeri/photos/\(b)").status == 200)
        #expect(Self.blobs(k).count == 1)
        _ = try k.client.request("DELETE", "/api/v1/galeri/photos/\(b)")
        #expect(Self.blobs(k).isEmpty)
        #expect(try JSONParser.parse(try k.client.request("DELETE", "/api/v1/galeri/photos/\(b)").body)["deleted"] == false)
        let odd = try k.client.get("/api/v1/galeri/photos/f_0123456789abcdef01234567")
        #expect(odd.status == 404, "\(odd.status) \(odd.text)")
    }

    @Test func aStoreInARolledBackTransactionLeavesNoRowAndTheSweepRemovesItsBlob() throws {
        let k = try Fixtures.kernel(["galeri"])
        let r = try Self.upload(k, [Self.photo(TestImages.pngWithMetadata(), name: "a.png")], path: "/photos/rolled-back")
        #expect(try JSONParser.parse(r.body)["rolled_back"] == true, "\(r.status) \(r.text) \(k.logs.lines.suffix(5))")
        #expect(Self.blobs(k).count == 1)
        #expect(k.kernel.files.sweep() == 1)
        #expect(Self.blobs(k).isEmpty)
        #expect(try k.kernel.files.usage(plugin: "galeri").files == 0)
    }

    @Test func withoutThePermissionKlikFilesIsAbsentAndFilesCannotBeServed() throws {
        let k = try Fixtures.kernel(["tanpa-berkas"])
        var form = MultipartBody()
        form.files = [Self.photo(TestImages.jpegWithGPS())]
        let r = try k.client.request("POST", "/api/v1/tanpa-berkas/store", headers: ["Content-Type": form.contentType], body: form.bytes)
        #expect(r.status == 403)
        #expect(r.text.contains("permission 'files' is not declared in the manifest of plugin tanpa-berkas"))
        let served = try k.client.get("/api/v1/tanpa-berkas/serve")
        #expect(served.status == 500)
        #expect(served.text.contains("plugin_error"))
        let audited = try k.kernel.database.read { c in
            try c.query("SELECT detail FROM klik_audit WHERE action = 'plugin.permission_denied' AND target = 'tanpa-berkas'")
        }
        #expect(audited.contains { $0["detail"].string?.contains("files") == true })
    }
}
