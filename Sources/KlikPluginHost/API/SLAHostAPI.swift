import Foundation
import KlikCore
import KlikLua
import KlikSLA
import KlikStorage

/// `__klik_host.sla` and `__klik_host.schedule`: the raw functions behind `klik.sla` and
/// `klik.schedule`. They write in the plugin's open `klik.db.transaction` when there is one.
struct SLAHostAPI {
    let runtime: PluginRuntime
    let context: CallContext
    let timers: TimerService

    var now: Int64 { Int64(runtime.clock.now().timeIntervalSince1970.rounded(.down)) }

    /// Subjects are strings; integers (record ids) are accepted and converted.
    static func subject(_ v: LuaValue?, _ fn: String) throws -> String {
        if let i = v?.intValue { return String(i) }
        guard let s = v?.stringValue, !s.isEmpty, s.utf8.count <= 200 else { throw LuaHostError("klik.sla.\(fn): subject (a string or integer) expected") }
        return s
    }

    static func optionalString(_ v: LuaValue?, _ what: String) throws -> String? {
        guard let v, !v.isNil else { return nil }
        guard let s = v.stringValue else { throw LuaHostError("\(what) must be a string") }
        return s
    }

    /// SLA and storage failures become catchable Lua errors; details of storage errors go to the log.
    func guarded(_ name: String, _ body: () throws -> [LuaValue]) throws -> [LuaValue] {
        do {
            return try body()
        } catch let e as SLAError {
            throw LuaHostError("\(name): \(e.message)")
        } catch let e as StorageError {
            runtime.pluginLog.write(.error, "storage error", [("error", .string(e.message))], requestId: context.requestId)
            throw LuaHostError(e.isBusy ? "\(name): database busy, try again" : "\(name): storage error")
        }
    }

    static func table(_ s: SLAStatus) -> LuaValue {
        let r = s.record
        var t: [String: LuaValue] = [
            "colour": .string(s.colour.rawValue), "state": .string(r.state.rawValue), "met_late": .bool(r.metLate),
            "elapsed": .integer(s.elapsed), "remaining": .integer(s.remaining), "target": .integer(r.target),
            "policy": .string(r.policy), "subject": .string(r.subject), "cycle": .integer(r.cycle),
            "started_at": .integer(r.startedAt),
        ]
        if let due = s.due { t["due"] = .string(CivilDate.rfc3339(due, offset: s.offset)); t["due_at"] = .integer(due) }
        if let opd = r.opd { t["opd"] = .string(opd) }
        if let category = r.category { t["category"] = .string(category) }
        return .table(t)
    }

    func policy(_ name: String?, _ fn: String) throws -> SLAPolicy {
        guard let name else { throw LuaHostError("klik.sla.\(fn): policy name (a string) expected") }
        guard let p = runtime.manifest.sla[name] else {
            throw LuaHostError("klik.sla.\(fn): no policy '\(name)' under sla in the manifest of \(runtime.manifest.id)")
        }
        return p
    }

    func slaFunctions() -> [String: LuaHostFunction] {
        let plugin = runtime.manifest.id
        let clocks = timers.clocks
        func simple(_ fn: String, _ op: @escaping @Sendable (String, String?, Int64, Connection?) throws -> SLAStatus) -> LuaHostFunction {
            { args in
                try guarded("klik.sla.\(fn)") {
                    let subject = try SLAHostAPI.subject(args.first, fn)
                    let policy = try SLAHostAPI.optionalString(args.count > 1 ? args[1] : nil, "klik.sla.\(fn): policy")
                    return [SLAHostAPI.table(try op(subject, policy, now, context.transaction?.connection))]
                }
            }
        }
        return [
            "start": { args in
                try guarded("klik.sla.start") {
                    let p = try policy(args.first?.stringValue, "start")
                    let subject = try SLAHostAPI.subject(args.count > 1 ? args[1] : nil, "start")
                    let opts = args.count > 2 ? args[2].tableEntries ?? [:] : [:]
                    let opd = try SLAHostAPI.optionalString(opts["opd"], "klik.sla.start: opd")
                    let category = try SLAHostAPI.optionalString(opts["category"], "klik.sla.start: category")
                    return [SLAHostAPI.table(try clocks.start(plugin: plugin, policy: p, subject: subject, opd: opd, category: category,
                                                              now: now, on: context.transaction?.connection))]
                }
            },
            "pause": simple("pause") { try clocks.pause(plugin: plugin, subject: $0, policy: $1, now: $2, on: $3) },
            "resume": simple("resume") { try clocks.resume(plugin: plugin, subject: $0, policy: $1, now: $2, on: $3) },
            "complete": simple("complete") { try clocks.complete(plugin: plugin, subject: $0, policy: $1, now: $2, on: $3) },
            "cancel": simple("cancel") { try clocks.cancel(plugin: plugin, subject: $0, policy: $1, now: $2, on: $3) },
            "restart": simple("restart") { subject, name, now, c in
                let current = try name ?? clocks.status(plugin: plugin, subject: subject, now: now, on: c)?.record.policy
                guard let current else { throw SLAError.invalid("no clock for subject '\(subject)'") }
                return try clocks.restart(plugin: plugin, policy: try policy(current, "restart"), subject: subject, now: now, on: c)
            },
            "status": { args in
                try guarded("klik.sla.status") {
                    let subject = try SLAHostAPI.subject(args.first, "status")
                    let policy = try SLAHostAPI.optionalString(args.count > 1 ? args[1] : nil, "klik.sla.status: policy")
                    return [try clocks.status(plugin: plugin, subject: subject, policy: policy, now: now, on: context.transaction?.connection).map(SLAHostAPI.table) ?? .nil_]
                }
            },
            "counts": { args in
                try guarded("klik.sla.counts") {
                    let opts = args.first?.tableEntries ?? [:]
                    let byText = try SLAHostAPI.optionalString(opts["by"], "klik.sla.counts: by") ?? "colour"
                    guard let by = SLAGrouping(rawValue: byText == "color" ? "colour" : byText) else {
                        throw LuaHostError("klik.sla.counts: by must be \"opd\", \"category\" or \"colour\"")
                    }
                    let filter = SLACountFilter(policy: try SLAHostAPI.optionalString(opts["policy"], "klik.sla.counts: policy"),
                                                opd: try SLAHostAPI.optionalString(opts["opd"], "klik.sla.counts: opd"),
                                                category: try SLAHostAPI.optionalString(opts["category"], "klik.sla.counts: category"))
                    let groups = try clocks.counts(plugin: plugin, by: by, filter: filter, now: now, on: context.transaction?.connection)
                    return [.array(groups.map { g in
                        var t: [String: LuaValue] = ["total": .integer(Int64(g.total)), "green": .integer(Int64(g.green)), "yellow": .integer(Int64(g.yellow)),
                                                     "red": .integer(Int64(g.red)), "met_late": .integer(Int64(g.metLate)), "open": .integer(Int64(g.open))]
                        if let key = g.key { t["key"] = .string(key) }
                        return .table(t)
                    })]
                }
            },
        ]
    }
}
