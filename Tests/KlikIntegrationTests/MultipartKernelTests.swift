import Foundation
import Testing
import KlikCore
import KlikTesting

/// `multipart/form-data` bodies on a real port: fields and files reach the handler, hostile or
/// broken bodies get a clear 400/413 naming the field, and only multipart gets the large limit.
@Suite struct MultipartKernelTests {
    static func post(_ k: TestKernel, _ path: String, contentType: String, body: [UInt8]) throws -> TestResponse {
        try k.client.request("POST", "/api/v1/galeri" + path, headers: ["Content-Type": contentType], body: body)
    }

    static func error(_ r: TestResponse) -> (code: String, message: String) {
        let e = (try? JSONParser.parse(r.body))?["error"]
        return (e?["code"]?.stringValue ?? "", e?["message"]?.stringValue ?? "")
    }

    @Test func fieldsBecomeTheBodyAndFilesArriveAsHandlesWithoutTheirBytes() throws {
        let k = try Fixtures.kernel(["galeri"])
        var form = MultipartBody()
        form.fields = [("kind", "pengaduan"), ("description", "Jalan berlubang di Jl. Lintas Timur")]
        form.files = [.init(field: "photo", filename: "C:\\Users\\budi\\IMG_0001.jpg", contentType: "image/jpeg", data: TestImages.jpegWithGPS()),
                      .init(field: "photo", filename: "../../etc/passwd.png", contentType: "image/png", data: TestImages.pngWithMetadata())]
        let r = try Self.post(k, "/echo", contentType: form.contentType, body: form.bytes)
        #expect(r.status == 200)
        let json = try JSONParser.parse(r.body)
        #expect(json["body"]?["kind"] == "pengaduan")
        #expect(json["body"]?["description"] == "Jalan berlubang di Jl. Lintas Timur")
        let files = json["files"]?.arrayValue ?? []
        #expect(files.count == 2)
        #expect(files.first?["field"] == "photo")
        #expect(files.first?["filename"] == "IMG_0001.jpg")
        #expect(files.last?["filename"] == "passwd.png")
        #expect(files.first?["content_type"] == "image/jpeg")
        #expect(files.first?["size"]?.int64Value == Int64(TestImages.jpegWithGPS().count))
        #expect(files.first?["handle"] == "upload-1")
        #expect(files.first?["data"] == nil)
    }

    @Test func aMissingBoundaryIs400() throws {
        let k = try Fixtures.kernel(["galeri"])
        let r = try Self.post(k, "/echo", contentType: "multipart/form-data", body: Array("--x\r\n\r\n--x--".utf8))
        #expect(r.status == 400)
        #expect(Self.error(r).code == "invalid_multipart")
        #expect(Self.error(r).message.contains("boundary"))
        let bad = try Self.post(k, "/echo", contentType: "multipart/form-data; boundary=\"\"", body: Array("x".utf8))
        #expect(bad.status == 400)
    }

    @Test func aTruncatedBodyIs400NamingTheField() throws {
        let k = try Fixtures.kernel(["galeri"])
        var form = MultipartBody()
        form.files = [.init(field: "photo", filename: "a.jpg", contentType: "image/jpeg", data: TestImages.jpegWithGPS())]
        let whole = form.bytes
        let r = try Self.post(k, "/echo", contentType: form.contentType, body: Array(whole.prefix(whole.count - 40)))
        #expect(r.status == 400)
        #expect(Self.error(r).message.contains("'photo'"))
        #expect(Self.error(r).message.contains(" / "))
        // Only the headers of a part, cut off.
        let cut = try Self.post(k, "/echo", contentType: form.contentType, body: Array("--\(form.boundary)\r\nContent-Disposition: form-da".utf8))
        #expect(cut.status == 400)
        // No delimiter at all.
        let none = try Self.post(k, "/echo", contentType: form.contentType, body: Array("just some text".utf8))
        #expect(none.status == 400)
    }

    @Test func malformedPartsAre400() throws {
        let k = try Fixtures.kernel(["galeri"])
        let b = "XyZ"
        let ct = "multipart/form-data; boundary=\(b)"
        let nameless = try Self.post(k, "/echo", contentType: ct, body: Array("--\(b)\r\nContent-Disposition: form-data\r\n\r\nx\r\n--\(b)--".utf8))
        #expect(nameless.status == 400)
        #expect(Self.error(nameless).message.contains("field name"))
        let noDisposition = try Self.post(k, "/echo", contentType: ct, body: Array("--\(b)\r\nContent-Type: text/plain\r\n\r\nx\r\n--\(b)--".utf8))
        #expect(noDisposition.status == 400)
        var bytes = Array("--\(b)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n".utf8) + [0xC3, 0x28] + Array("\r\n--\(b)--".utf8)
        let notUTF8 = try Self.post(k, "/echo", contentType: ct, body: bytes)
        #expect(notUTF8.status == 400)
        #expect(Self.error(notUTF8).message.contains("'note'"))
        bytes = Array("--\(b)junk\r\n\r\n--\(b)--".utf8)
        #expect(try Self.post(k, "/echo", contentType: ct, body: bytes).status == 400)
    }

    @Test func manyPartsAndLargeFieldsAre413() throws {
        let k = try Fixtures.kernel(["galeri"])
        var many = MultipartBody()
        many.fields = (0..<40).map { ("f\($0)", "x") }
        let r = try Self.post(k, "/echo", contentType: many.contentType, body: many.bytes)
        #expect(r.status == 413)
        #expect(Self.error(r).code == "too_many_parts")
        var big = MultipartBody()
        big.fields = [("description", String(repeating: "a", count: 70_000))]
        let large = try Self.post(k, "/echo", contentType: big.contentType, body: big.bytes)
        #expect(large.status == 413)
        #expect(Self.error(large).message.contains("'description'"))
    }

    @Test func onlyMultipartGetsTheLargeBodyLimit() throws {
        let k = try Fixtures.kernel(["galeri"])
        var form = MultipartBody()
        form.files = [.init(field: "photo", filename: "big.bin", contentType: "application/octet-stream", data: [UInt8](repeating: 0x41, count: 3 << 20))]
        let r = try Self.post(k, "/echo", contentType: form.contentType, body: form.bytes)
        #expect(r.status == 200)
        #expect(try JSONParser.parse(r.body)["files"]?.arrayValue?.first?["size"]?.int64Value == Int64(3 << 20))
        let json = "{\"a\":\"" + String(repeating: "b", count: 2 << 20) + "\"}"
        let tooBig = try k.client.post("/api/v1/galeri/echo", json: json)
        #expect(tooBig.status == 413)
        // A declared length over the multipart limit is refused before the body is read.
        let c = try TestConnection(port: k.port)
        try c.send("POST /api/v1/galeri/echo HTTP/1.1\r\nHost: x\r\nContent-Type: \(form.contentType)\r\nContent-Length: \(60 << 20)\r\n\r\n")
        let refused = try c.readResponse(method: "POST")
        #expect(refused.status == 413)
        #expect(refused.text.contains("payload_too_large"))
    }

    @Test func aHostileBodyOfNearBoundariesIsRefusedQuickly() throws {
        let k = try Fixtures.kernel(["galeri"])
        let b = String(repeating: "q", count: 70)
        var body = Array("--\(b)\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n".utf8)
        let near = Array("\r\n--\(String(b.dropLast()))!".utf8)
        while body.count < 8 << 20 { body += near }
        let started = Date()
        let r = try Self.post(k, "/echo", contentType: "multipart/form-data; boundary=\(b)", body: body)
        #expect(r.status == 400)
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(try k.client.get("/healthz").status == 200)
    }
}
