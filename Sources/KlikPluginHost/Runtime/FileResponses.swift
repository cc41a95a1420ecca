import KlikCore
import KlikFiles
import KlikHTTP

/// Serves a plugin's stored file when a handler answers `{file = id}`: the type sniffed at
/// upload, `nosniff`, a strict CSP, a private cache with the content's digest as ETag (a
/// matching `If-None-Match` gets 304). The plugin decided who may see it; it may widen the
/// cache (`Cache-Control: public, ...`) for files everyone may see.
enum FileResponses {
    static func serve(_ id: String, plugin: String, store: FileStore, request: HTTPRequest, log: PluginLog) -> HTTPResponse {
        let notFound = HTTPResponse.error(KlikError(status: 404, code: "not_found", message: "Berkas tidak ditemukan / file not found"),
                                          requestId: request.requestId)
        let located: (file: StoredFile, path: String)?
        do {
            located = try store.locate(plugin: plugin, id: id)
        } catch {
            log.write(.error, "file lookup failed", [("error", .string("\(error)"))], requestId: request.requestId)
            return .error(.internal(), requestId: request.requestId)
        }
        guard let located else { return notFound }
        let etag = "\"\(located.file.sha256)\""
        let headers: [(String, String)] = [
            ("Content-Type", located.file.type.mediaType),
            ("X-Content-Type-Options", "nosniff"),
            ("Content-Security-Policy", "default-src 'none'; sandbox"),
            ("Content-Disposition", "inline; filename=\"\(located.file.id).\(located.file.type.rawValue == "jpeg" ? "jpg" : located.file.type.rawValue)\""),
            ("Cache-Control", "private, max-age=3600"),
            ("ETag", etag),
        ]
        if let match = request.header("if-none-match"), match.split(separator: ",").contains(where: { $0.trimmingSpaces == etag || $0.trimmingSpaces == "*" }) {
            return HTTPResponse(status: 304, headers: headers.filter { $0.0 != "Content-Type" })
        }
        guard let body = FileBody.open(path: located.path) else {
            log.write(.error, "stored file missing on disk", [("file", .string(id))], requestId: request.requestId)
            return notFound
        }
        return .file(body, headers: headers)
    }
}

private extension Substring {
    var trimmingSpaces: String { String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
}
