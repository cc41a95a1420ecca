/// Builds `multipart/form-data` bodies for tests.
public struct MultipartBody: Sendable {
    public struct File: Sendable {
        public var field: String
        public var filename: String
        public var contentType: String
        public var data: [UInt8]
        public init(field: String, filename: String, contentType: String, data: [UInt8]) {
            self.field = field
            self.filename = filename
            self.contentType = contentType
            self.data = data
        }
    }

    public let boundary: String
    public var fields: [(String, String)] = []
    public var files: [File] = []

    public init(boundary: String = "klik-test-boundary-7d1f") { self.boundary = boundary }

    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    public var bytes: [UInt8] {
        var out: [UInt8] = []
        for (name, value) in fields {
            out += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for f in files {
            out += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(f.field)\"; filename=\"\(f.filename)\"\r\nContent-Type: \(f.contentType)\r\n\r\n".utf8)
            out += f.data + Array("\r\n".utf8)
        }
        out += Array("--\(boundary)--\r\n".utf8)
        return out
    }
}
