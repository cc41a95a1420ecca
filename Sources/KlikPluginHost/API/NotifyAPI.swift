import KlikLua
import KlikNotify

/// `klik.notify.user/role/opd(target, msg)` for plugins with permission `notify`. Inside
/// `klik.db.transaction` the notification commits (or not) with the plugin's own writes and is
/// published after the commit.
enum NotifyAPI {
    static func functions(notifier: Notifier, plugin: String, context: CallContext) -> [String: LuaHostFunction] {
        func send(_ kind: String, _ recipients: @escaping @Sendable (String) -> Recipients) -> LuaHostFunction {
            { args in
                let name = "klik.notify.\(kind)"
                guard let target = args.first?.stringValue, !target.isEmpty else {
                    throw LuaHostError("\(name): argument 1 must be a non-empty string (the \(kind == "user" ? "user id" : kind == "role" ? "role name" : "OPD code"))")
                }
                do {
                    let message = try NotificationMessage.parse(LuaJSON.json(args.count > 1 ? args[1] : .nil_), context: name)
                    let accepted: AcceptedNotification
                    if let tx = context.transaction {
                        accepted = try notifier.accept(message, to: recipients(target), from: plugin, on: tx.connection)
                        context.pendingNotifications.append(accepted)
                    } else {
                        accepted = try notifier.send(message, to: recipients(target), from: plugin)
                    }
                    return [.table(["id": .integer(accepted.id), "recipients": .integer(Int64(accepted.users.count))])]
                } catch let error as NotifyError {
                    throw LuaHostError(error.message)
                }
            }
        }
        return ["user": send("user", Recipients.user), "role": send("role", Recipients.role), "opd": send("opd", Recipients.opd)]
    }
}
