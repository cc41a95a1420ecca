import Foundation
import KlikAuth
import KlikCore
import KlikHTTP

/// Small helpers shared by the kernel's route files.
enum RouteSupport {
    /// The signed-in caller or 401.
    static func caller(_ request: HTTPRequest) throws(KlikError) -> Caller {
        guard let caller = request.authCaller else { throw KlikError.unauthenticated() }
        return caller
    }

    /// A signed-in user (not an API key) or 401/403.
    static func user(_ request: HTTPRequest) throws(KlikError) -> (Caller, User) {
        let caller = try caller(request)
        guard let user = caller.user else { throw KlikError.forbidden("Hanya untuk pengguna / users only, not API keys") }
        return (caller, user)
    }

    /// A caller holding one of `roles`, or 401/403.
    static func require(_ request: HTTPRequest, anyOf roles: [Role]) throws(KlikError) -> Caller {
        let caller = try caller(request)
        guard roles.contains(where: caller.has) else { throw KlikError.forbidden() }
        return caller
    }

    /// Admin reads: `admin`, or `pimpinan` who sees everything but changes nothing.
    static func adminRead(_ request: HTTPRequest) throws(KlikError) -> Caller {
        try require(request, anyOf: [.admin, .pimpinan])
    }

    /// Admin changes: `admin` only.
    static func adminWrite(_ request: HTTPRequest) throws(KlikError) -> Caller {
        try require(request, anyOf: [.admin])
    }

    /// Work run on the deferred pool; a thrown `KlikError` becomes its JSON error response.
    static func deferred(_ request: HTTPRequest, _ work: @escaping @Sendable () throws -> HTTPResponse) -> HTTPResponse {
        .deferred {
            do { return try work() } catch let error as KlikError {
                return .error(error, requestId: request.requestId)
            } catch {
                return .error(.internal(), requestId: request.requestId)
            }
        }
    }
}

/// Typed access to a JSON request body, with bilingual 400s naming the field.
struct BodyFields {
    let object: [String: JSONValue]

    init(_ request: HTTPRequest) throws(KlikError) {
        guard let object = try request.jsonBody().objectValue else {
            throw KlikError.badRequest("Badan harus objek JSON / body must be a JSON object", code: "invalid_body")
        }
        self.object = object
    }

    func string(_ key: String, max: Int = 200) throws(KlikError) -> String {
        guard let value = try optionalString(key, max: max) else {
            throw KlikError.badRequest("Kolom '\(key)' wajib diisi / field '\(key)' is required", code: "missing_field")
        }
        return value
    }

    func optionalString(_ key: String, max: Int = 200) throws(KlikError) -> String? {
        guard let raw = object[key], raw != .null else { return nil }
        guard let s = raw.stringValue else {
            throw KlikError.badRequest("Kolom '\(key)' harus teks / field '\(key)' must be a string", code: "invalid_field")
        }
        guard s.count <= max else {
            throw KlikError.badRequest("Kolom '\(key)' terlalu panjang (maks \(max)) / field '\(key)' is too long (max \(max))", code: "invalid_field")
        }
        let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : s
    }

    func strings(_ key: String) throws(KlikError) -> [String]? {
        guard let raw = object[key], raw != .null else { return nil }
        guard let list = raw.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
            throw KlikError.badRequest("Kolom '\(key)' harus daftar teks / field '\(key)' must be a list of strings", code: "invalid_field")
        }
        return list.compactMap(\.stringValue)
    }
}
