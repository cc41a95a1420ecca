import Foundation
import KlikAuth
import KlikCore
import KlikKernel
import KlikNotify
import KlikTesting

/// A kernel with the `kabar` fixture plugin (sends notifications from routes) and helpers to
/// sign users in and call the notification API as them.
struct NotifyHarness {
    let kernel: TestKernel

    init(plugins: [String] = ["kabar"], notify: (inout NotifyOptions) -> Void = { _ in },
         configure: (inout KernelConfiguration) -> Void = { _ in }) throws {
        let dir = try Fixtures.folder(with: plugins)
        kernel = try TestKernel(manifests: dir.appendingPathComponent("Manifests"), plugins: dir.appendingPathComponent("Plugins"),
                                directory: dir, configure: { config in
                                    config.notify.pollSeconds = 0.05
                                    config.notify.allowLocalWebhooks = true // receivers run on 127.0.0.1
                                    notify(&config.notify)
                                    configure(&config)
                                })
    }

    var notifier: Notifier { kernel.kernel.notifier }

    /// A signed-in user; answers the user and the bearer header.
    func user(_ name: String, roles: [Role] = [.warga], opds: [String] = []) throws -> (user: User, auth: [String: String]) {
        let password = TestKernel.password("n")
        let user = try kernel.addUser(name, roles: roles, opds: opds, password: password)
        let session = try kernel.signIn(user.email!, password)
        return (user, ["Authorization": "Bearer " + session.token])
    }

    /// Asks the `kabar` plugin to notify `kind`/`to`, numbered `n`.
    @discardableResult
    func send(_ kind: String, _ to: String, n: Int = 1, plugin: String = "kabar") throws -> TestResponse {
        try kernel.client.post("/api/v1/\(plugin)/send", json: JSONWriter.string(["kind": .string(kind), "to": .string(to), "n": .integer(Int64(n))]))
    }

    func get(_ path: String, _ auth: [String: String]) throws -> JSONValue {
        let response = try kernel.client.get(path, headers: auth)
        guard response.status == 200 else { throw TestClientError(description: "GET \(path): \(response.status) \(response.text)") }
        return try JSONParser.parse(response.body)
    }

    func post(_ path: String, _ auth: [String: String], json: JSONValue = .object([:])) throws -> TestResponse {
        try kernel.client.post(path, json: JSONWriter.string(json), headers: auth)
    }

    /// Subscribes a webhook for the caller; sets the receiver's secret.
    func subscribe(_ receiver: WebhookReceiver, _ auth: [String: String], path: String = "/api/v1/me/channels") throws {
        let response = try post(path, auth, json: ["kind": "webhook", "url": .string(receiver.url)])
        guard response.status == 201, let secret = try JSONParser.parse(response.body)["channel"]?["secret"]?.stringValue else {
            throw TestClientError(description: "subscribe: \(response.status) \(response.text)")
        }
        receiver.secret = secret
    }
}
