import Foundation
import KlikAuth
import KlikCore
import KlikHTTP

/// `/api/v1/auth/*` and `/api/v1/me`: register, sign in, sign out, change password, who am I.
enum AuthRoutes {
    static func register(on routes: inout Router.Builder, auth: AuthService) {
        routes.add("POST", "/api/v1/auth/register") { request in
            let body = try BodyFields(request)
            let name = try body.string("name", max: 100)
            let password = try body.string("password", max: 1024)
            let email = try body.optionalString("email", max: 254)
            let phone = try body.optionalString("phone", max: 30)
            guard email != nil || phone != nil else {
                throw KlikError.badRequest("Isi e-mail atau nomor telepon / give an e-mail or a phone number", code: "missing_field")
            }
            let normalEmail = try email.map { raw throws(KlikError) in
                guard let e = Identifiers.email(raw) else { throw KlikError.badRequest("E-mail tidak sah / invalid e-mail", code: "invalid_field") }
                return e
            }
            let normalPhone = try phone.map { raw throws(KlikError) in
                guard let p = Identifiers.phone(raw) else { throw KlikError.badRequest("Nomor telepon tidak sah / invalid phone number", code: "invalid_field") }
                return p
            }
            let new = UserStore.NewUser(name: name, email: normalEmail, phone: normalPhone, roles: [.warga],
                                        kecamatan: try body.optionalString("kecamatan", max: 100), desa: try body.optionalString("desa", max: 100))
            try auth.options.policy.check(password, personal: [name, normalEmail ?? "", normalPhone ?? ""].filter { !$0.isEmpty })
            try auth.admitRegistration(address: request.clientAddress)
            return RouteSupport.deferred(request) {
                let user = try auth.createUser(new, password: password)
                auth.record("user:" + user.id, "auth.register", "user:" + user.id, [:], request.clientAddress)
                return .json(["user": user.json], status: 201)
            }
        }

        routes.add("POST", "/api/v1/auth/login") { request in
            let body = try BodyFields(request)
            let identifier = try body.optionalString("login", max: 254) ?? body.optionalString("email", max: 254) ?? body.string("phone", max: 30)
            let password = try body.string("password", max: 1024)
            return RouteSupport.deferred(request) {
                let signIn = try auth.signIn(identifier: identifier, password: password, address: request.clientAddress)
                return loginResponse(signIn, auth: auth)
            }
        }

        routes.add("POST", "/api/v1/auth/logout") { request in
            let caller = try RouteSupport.caller(request)
            try auth.signOut(caller, address: request.clientAddress)
            var response = HTTPResponse.json(["ok": true])
            let secure = auth.options.secureCookies
            response.headers.append(("Set-Cookie", Cookies.make(Authenticator.sessionCookie, "", maxAge: 0, httpOnly: true, secure: secure)))
            response.headers.append(("Set-Cookie", Cookies.make(Authenticator.csrfCookie, "", maxAge: 0, httpOnly: false, secure: secure)))
            return response
        }

        routes.add("POST", "/api/v1/auth/password") { request in
            let (caller, _) = try RouteSupport.user(request)
            let body = try BodyFields(request)
            let current = try body.string("current_password", max: 1024)
            let new = try body.string("new_password", max: 1024)
            return RouteSupport.deferred(request) {
                try auth.changePassword(caller, current: current, new: new, address: request.clientAddress)
                return .json(["ok": true])
            }
        }

        routes.add("GET", "/api/v1/me") { request in
            let caller = try RouteSupport.caller(request)
            if let user = caller.user { return .json(["user": user.json]) }
            guard case .apiKey(let id, let name, let scopes) = caller.credential else { throw KlikError.unauthenticated() }
            return .json(["api_key": ["id": .string(id), "name": .string(name), "scopes": .array(scopes.map { .string($0) })]])
        }
    }

    /// `{"token", "csrf_token", "expires_at", "user"}` plus the session (HttpOnly) and CSRF
    /// (readable by the page's script) cookies.
    static func loginResponse(_ signIn: AuthService.SignIn, auth: AuthService) -> HTTPResponse {
        var response = HTTPResponse.json([
            "token": .string(signIn.session.token), "csrf_token": .string(signIn.session.csrfToken),
            "expires_at": .string(Timestamp.iso8601(signIn.session.expiresAt)), "user": signIn.user.json,
        ])
        let maxAge = Int(auth.options.sessions.absoluteSeconds)
        let secure = auth.options.secureCookies
        response.headers.append(("Set-Cookie", Cookies.make(Authenticator.csrfCookie, signIn.session.csrfToken, maxAge: maxAge, httpOnly: false, secure: secure)))
        response.headers.append(("Set-Cookie", Cookies.make(Authenticator.sessionCookie, signIn.session.token, maxAge: maxAge, httpOnly: true, secure: secure)))
        response.headers.append(("Cache-Control", "no-store"))
        return response
    }
}
