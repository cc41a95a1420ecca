/// What a `multipart/form-data` body may hold. Only multipart bodies get the large body limit;
/// JSON and form bodies keep `HTTPServerOptions.maxBodyBytes`.
public struct MultipartLimits: Sendable {
    /// The whole body: five 10 MiB photos plus text fields and part headers.
    public var bodyBytes = 52 << 20
    /// Parts (fields and files) in one body; more → 413.
    public var parts = 32
    /// One file part; larger → 413 naming the field. Plugins set their own, lower cap in `klik.files.store`.
    public var fileBytes = 25 << 20
    /// One text field; larger → 413 naming the field.
    public var fieldBytes = 64 << 10
    /// All text fields together (they become `req.body`, kept as small as a JSON body).
    public var fieldsTotalBytes = 1 << 20
    /// The headers of one part.
    public var partHeaderBytes = 8 << 10

    public init() {}
}
