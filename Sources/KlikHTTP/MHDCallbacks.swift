import CMicroHTTPD
import Foundation
import KlikCore

/// Per-request state kept by libmicrohttpd between calls of the access handler.
final class RequestState: @unchecked Sendable {
    let started = Monotonic.nanoseconds()
    var body: [UInt8] = []
    var bodyTooLarge = false
    /// The body limit for this request's content type (multipart uploads get a larger one).
    var bodyLimit = 0
    /// Set while a deferred response is being computed; the connection is suspended meanwhile.
    var deferred: (method: String, path: String, route: String, requestId: String)?
    private let lock = NSLock()
    private var ready: HTTPResponse?

    func complete(_ response: HTTPResponse) { lock.withLock { ready = response } }
    func takeReady() -> HTTPResponse? { lock.withLock { defer { ready = nil }; return ready } }
}

/// libmicrohttpd calls this several times per request: first with headers only (we answer
/// `MHD_YES` without queuing, so keep-alive stays on), then once per body chunk, then a final time
/// with no data, when the response is queued.
let accessHandlerCallback: MHD_AccessHandlerCallback = { cls, connection, url, method, _, uploadData, uploadDataSize, reqCls in
    let server = Unmanaged<HTTPServer>.fromOpaque(cls!).takeUnretainedValue()
    guard let connection, let reqCls, let uploadDataSize else { return kmhd_no() }
    if reqCls.pointee == nil {
        let state = RequestState()
        reqCls.pointee = Unmanaged.passRetained(state).toOpaque()
        server.metrics.requestStarted()
        let type = MHD_lookup_connection_value(connection, .HEADER_KIND, "Content-Type").map { String(cString: $0) }
        state.bodyLimit = server.options.bodyLimit(contentType: type)
        if let length = MHD_lookup_connection_value(connection, .HEADER_KIND, "Content-Length"),
           let declared = Int(String(cString: length)) {
            if declared > state.bodyLimit {
                // Refuse before reading the body; the connection closes after this response.
                state.bodyTooLarge = true
                return server.finish(connection: connection, url: url, method: method, state: state)
            }
            // One allocation for a large upload instead of repeated doubling copies.
            if declared > 64 << 10 { state.body.reserveCapacity(declared) }
        }
        return kmhd_yes()
    }
    let state = Unmanaged<RequestState>.fromOpaque(reqCls.pointee!).takeUnretainedValue()
    if uploadDataSize.pointee > 0 {
        let size = uploadDataSize.pointee
        if !state.bodyTooLarge {
            if state.body.count + size > state.bodyLimit {
                state.bodyTooLarge = true
                state.body = []
            } else if let uploadData {
                uploadData.withMemoryRebound(to: UInt8.self, capacity: size) { p in
                    state.body.append(contentsOf: UnsafeBufferPointer(start: p, count: size))
                }
            }
        }
        uploadDataSize.pointee = 0
        return kmhd_yes()
    }
    if let pending = state.deferred {
        // Called again after `MHD_resume_connection`: the deferred response is ready.
        guard let response = state.takeReady() else { return kmhd_yes() }
        state.deferred = nil
        return server.queue(response, connection: connection, state: state, method: pending.method, path: pending.path,
                            route: pending.route, requestId: pending.requestId)
    }
    return server.finish(connection: connection, url: url, method: method, state: state)
}

/// Called by libmicrohttpd when a request is done (sent, failed or the client went away).
let requestCompletedCallback: MHD_RequestCompletedCallback = { cls, _, reqCls, _ in
    guard let cls, let reqCls, let raw = reqCls.pointee else { return }
    Unmanaged<RequestState>.fromOpaque(raw).release()
    reqCls.pointee = nil
    Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue().metrics.requestFinished()
}

/// A connection pointer handed to the pool thread that resumes it (libmicrohttpd allows
/// `MHD_resume_connection` from any thread; the connection lives until it completes).
struct ConnectionHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
}

struct HeaderCollector {
    var values: [String: String] = [:]
    var invalid = false
}

private let collectValue: MHD_KeyValueIterator = { cls, _, key, value in
    let collector = cls!.assumingMemoryBound(to: HeaderCollector.self)
    guard let key else { return kmhd_yes() }
    guard let name = String(validatingCString: key) else { collector.pointee.invalid = true; return kmhd_yes() }
    let text: String
    if let value {
        guard let decoded = String(validatingCString: value) else { collector.pointee.invalid = true; return kmhd_yes() }
        text = decoded
    } else {
        text = ""
    }
    collector.pointee.values[name.lowercased()] = text
    return kmhd_yes()
}

extension HTTPServer {
    func collect(_ connection: OpaquePointer, kind: MHD_ValueKind) -> HeaderCollector {
        var collector = HeaderCollector()
        withUnsafeMutablePointer(to: &collector) { p in
            _ = MHD_get_connection_values(connection, kind, collectValue, p)
        }
        return collector
    }

    func finish(connection: OpaquePointer, url: UnsafePointer<CChar>?, method: UnsafePointer<CChar>?, state: RequestState) -> MHD_Result {
        let methodName = method.map { String(cString: $0) } ?? "GET"
        let headers = collect(connection, kind: .HEADER_KIND)
        var requestId = headers.values["x-request-id"] ?? ""
        if !RequestIDGenerator.isAcceptable(requestId) { requestId = requestIds.next() }
        let client = addressString(kmhd_client_address(connection))

        let path = url.flatMap { String(validatingCString: $0) }
        var response: HTTPResponse
        var route = "-"
        if state.bodyTooLarge {
            response = .error(KlikError(status: 413, code: "payload_too_large",
                message: "Badan permintaan melebihi \(state.bodyLimit) bita / request body exceeds \(state.bodyLimit) bytes"))
        } else if path == nil || headers.invalid {
            response = .error(KlikError.badRequest("Alamat atau header bukan UTF-8 yang sah / path or header is not valid UTF-8", code: "invalid_path"), requestId: requestId)
        } else if hasDotSegment(path!) {
            response = .error(KlikError.badRequest("Alamat tidak boleh memuat segmen '.' atau '..' / path must not contain '.' or '..' segments", code: "invalid_path"), requestId: requestId)
        } else {
            let query = collect(connection, kind: .GET_ARGUMENT_KIND)
            if query.invalid {
                response = .error(KlikError.badRequest("Parameter query bukan UTF-8 yang sah / query parameter is not valid UTF-8", code: "invalid_query"), requestId: requestId)
            } else {
                var request = HTTPRequest(method: methodName, path: path!, query: query.values, headers: headers.values,
                                          body: state.body, requestId: requestId, clientAddress: client)
                request.multipartLimits = options.multipart
                (response, route) = responder.respond(to: request)
            }
        }
        state.body = []
        if let work = response.deferredWork {
            return suspend(work, connection: connection, state: state, method: methodName, path: path ?? "?", route: route, requestId: requestId)
        }
        return queue(response, connection: connection, state: state, method: methodName, path: path ?? "?", route: route, requestId: requestId)
    }

    /// Parks the connection while `work` runs on the deferred pool, then resumes it; the access
    /// handler's next call queues the result.
    private func suspend(_ work: @escaping @Sendable () -> HTTPResponse, connection: OpaquePointer, state: RequestState,
                         method: String, path: String, route: String, requestId: String) -> MHD_Result {
        state.deferred = (method, path, route, requestId)
        let handle = ConnectionHandle(connection)
        MHD_suspend_connection(connection)
        let accepted = deferredPool.submit {
            state.complete(work())
            MHD_resume_connection(handle.pointer)
        }
        if !accepted {
            let busy = KlikError(status: 503, code: "busy", message: "Server sedang sibuk, coba lagi / server busy, try again",
                                 headers: [("Retry-After", "1")])
            state.complete(.error(busy, requestId: requestId))
            MHD_resume_connection(connection)
        }
        return kmhd_yes()
    }

    func queue(_ response: HTTPResponse, connection: OpaquePointer, state: RequestState, method: String,
                       path: String, route: String, requestId: String) -> MHD_Result {
        let mhdResponse: OpaquePointer?
        if let stream = response.stream {
            stream.attach(connection, to: openStreams)
            mhdResponse = MHD_create_response_from_callback(UInt64.max, 4096, streamReaderCallback,
                                                            Unmanaged.passRetained(stream).toOpaque(), streamFreeCallback)
            if mhdResponse == nil { openStreams.remove(stream) }
        } else if let file = response.file {
            let fd = file.take()
            mhdResponse = fd < 0 ? nil : MHD_create_response_from_fd64(UInt64(file.size), fd)
            if mhdResponse == nil, fd >= 0 { close(fd) }
        } else {
            mhdResponse = response.body.withUnsafeBytes { buf in
                MHD_create_response_from_buffer(buf.count, UnsafeMutableRawPointer(mutating: buf.baseAddress), .RESPMEM_MUST_COPY)
            }
        }
        guard let mhdResponse else { return kmhd_no() }
        for (name, value) in response.headers { MHD_add_response_header(mhdResponse, name, value) }
        MHD_add_response_header(mhdResponse, "X-Request-Id", requestId)
        let result = MHD_queue_response(connection, UInt32(response.status), mhdResponse)
        MHD_destroy_response(mhdResponse)
        let seconds = Double(Monotonic.nanoseconds() - state.started) / 1e9
        metrics.record(route: route, method: method, status: response.status, seconds: seconds)
        if logger.minimumLevel <= .info {
            logger.info("http", [("method", .string(method)), ("path", .string(path)), ("route", .string(route)),
                                 ("status", .int(response.status)), ("ms", .double(seconds * 1000)),
                                 ("bytes", .int(response.file?.size ?? response.body.count)), ("request_id", .string(requestId))])
        }
        return result
    }
}

/// True when a path has a `.` or `..` segment; a byte scan (this runs for every request).
func hasDotSegment(_ path: String) -> Bool {
    var path = path
    return path.withUTF8 { bytes in
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x2F, i + 1 < bytes.count, bytes[i + 1] == 0x2E {
                let next = i + 2 < bytes.count ? bytes[i + 2] : 0x2F
                if next == 0x2F { return true }
                if next == 0x2E, (i + 3 >= bytes.count || bytes[i + 3] == 0x2F) { return true }
            }
            i += 1
        }
        return false
    }
}
