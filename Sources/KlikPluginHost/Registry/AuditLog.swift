import Foundation
import KlikCore
import KlikStorage

/// Appends to the kernel's audit log (`klik_audit`): who did what to what, when, from where.
/// `record` is asynchronous (a plugin may hold the writer in a transaction when it is denied
/// something); `recordNow` commits before it returns.
public final class AuditLog: Sendable {
    let database: Database
    let clock: any Clock
    let logger: Logger
    private let queue = DispatchQueue(label: "klik.audit")

    public init(database: Database, clock: any Clock, logger: Logger) {
        self.database = database
        self.clock = clock
        self.logger = logger
    }

    public func record(actor: String, action: String, target: String, detail: [String: JSONValue] = [:], address: String = "") {
        let at = Timestamp.iso8601(clock.now())
        queue.async { [self] in write(at: at, actor: actor, action: action, target: target, detail: detail, address: address) }
    }

    public func recordNow(actor: String, action: String, target: String, detail: [String: JSONValue] = [:], address: String = "") {
        write(at: Timestamp.iso8601(clock.now()), actor: actor, action: action, target: target, detail: detail, address: address)
    }

    /// Waits until every asynchronous record so far is written (tests, shutdown).
    public func flush() { queue.sync {} }

    private func write(at: String, actor: String, action: String, target: String, detail: [String: JSONValue], address: String) {
        do {
            _ = try database.write { c in
                try c.run("INSERT INTO klik_audit (at, actor, action, target, detail, address) VALUES (?, ?, ?, ?, ?, ?)",
                          [.text(at), .text(actor), .text(action), .text(target), .text(JSONWriter.string(.object(detail))), .text(address)])
            }
        } catch {
            logger.error("audit write failed", [("action", .string(action)), ("error", .string("\(error)"))])
        }
    }
}
