import KlikCore

/// A decoded `multipart/form-data` body (RFC 7578). File contents are slices of the request body:
/// nothing is copied until a consumer (`klik.files.store`) writes them out.
public struct MultipartForm: Sendable {
    /// Text fields in body order; a name may repeat.
    public var fields: [(name: String, value: String)] = []
    public var files: [MultipartFile] = []

    public init() {}
}

/// One file part: the form field, the client's file name and declared type (both untrusted,
/// informational only), and the bytes.
public struct MultipartFile: Sendable {
    public let field: String
    public let filename: String
    public let declaredType: String
    public let data: ArraySlice<UInt8>

    public init(field: String, filename: String, declaredType: String, data: ArraySlice<UInt8>) {
        self.field = field
        self.filename = filename
        self.declaredType = declaredType
        self.data = data
    }

    public var size: Int { data.count }
}

extension HTTPRequest {
    /// Decodes a `multipart/form-data` body; problems are 400 (malformed) or 413 (over a limit)
    /// with a message naming the field, Bahasa Indonesia first.
    public func multipartForm() throws(KlikError) -> MultipartForm {
        guard let boundary = MultipartParser.boundary(fromContentType: headers["content-type"] ?? "") else {
            throw KlikError.badRequest("Content-Type multipart/form-data tanpa boundary yang sah / multipart/form-data Content-Type without a valid boundary",
                                       code: "invalid_multipart")
        }
        return try MultipartParser(boundary: boundary, limits: multipartLimits).parse(body)
    }
}
