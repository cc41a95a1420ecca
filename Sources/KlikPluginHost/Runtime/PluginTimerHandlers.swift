import KlikCore
import KlikLua
import KlikSLA

/// Calls plugins back for the timer engines: `on_sla_warning(event)` / `on_sla_breach(event)` when
/// one of their clocks changes colour (if main.lua defines them), and the module function a
/// `klik.schedule` job names. Lua runs on a large-stack thread; failures are logged to the plugin's log.
public struct PluginTimerHandlers: SLATransitionSink, ScheduledJobRunner {
    let registry: PluginRegistry

    public init(registry: PluginRegistry) { self.registry = registry }

    /// The event table handlers receive.
    static func table(_ e: SLAEvent) -> LuaValue {
        var t: [String: LuaValue] = [
            "id": .integer(e.id), "kind": .string(e.kind.rawValue), "colour": .string(e.colour.rawValue),
            "policy": .string(e.policy), "subject": .string(e.subject), "cycle": .integer(e.cycle), "at": .integer(e.at),
        ]
        if let d = e.dueAt { t["due_at"] = .integer(d); t["due"] = .string(CivilDate.rfc3339(d, offset: e.offset)) }
        if let opd = e.opd { t["opd"] = .string(opd) }
        if let category = e.category { t["category"] = .string(category) }
        return .table(t)
    }

    public func deliver(_ event: SLAEvent) -> String {
        let function = event.kind == .warning ? "on_sla_warning" : "on_sla_breach"
        return invoke(event.plugin, function, [PluginTimerHandlers.table(event)], requestId: "sla-\(event.id)", missingIsError: false) ?? "ok"
    }

    public func run(_ job: ScheduledJob) -> String? {
        invoke(job.plugin, job.handler, [SLAHostAPI.jobTable(job)], requestId: "job-\(job.id)", missingIsError: true)
    }

    /// Calls `function` of an active plugin; answers nil on success or a short reason.
    private func invoke(_ plugin: String, _ function: String, _ args: [LuaValue], requestId: String, missingIsError: Bool) -> String? {
        guard let runtime = registry.activeRuntime(plugin) else { return "inactive" }
        guard runtime.moduleFunctions.contains(function) else {
            if missingIsError {
                runtime.pluginLog.write(.error, "scheduled handler \(function) is not defined in main.lua", requestId: requestId)
                return "no function \(function)"
            }
            return "no_handler"
        }
        do {
            if TimerService.onTimerThread {
                _ = try runtime.call(function, args, requestId: requestId)
            } else {
                _ = try withLargeStack { try runtime.call(function, args, requestId: requestId) }
            }
            return nil
        } catch let error as LuaError {
            var fields: [(String, LogValue)] = [("handler", .string(function))]
            if let tb = error.traceback { fields.append(("traceback", .string(tb))) }
            runtime.pluginLog.write(.error, error.message, fields, requestId: requestId)
            return "error"
        } catch {
            runtime.pluginLog.write(.error, "\(error)", [("handler", .string(function))], requestId: requestId)
            return "error"
        }
    }
}
