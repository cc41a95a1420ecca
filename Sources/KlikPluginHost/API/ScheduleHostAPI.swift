import KlikCore
import KlikLua
import KlikSLA

extension SLAHostAPI {
    static let handlerPattern = "^[A-Za-z_][A-Za-z0-9_]*$"

    static func handler(_ v: LuaValue?, _ fn: String) throws -> String {
        guard let h = v?.stringValue, Patterns.whole(handlerPattern, h), h.count <= 64 else {
            throw LuaHostError("klik.schedule.\(fn): handler (the name of a function in main.lua's table) expected")
        }
        return h
    }

    static func seconds(_ v: LuaValue?, _ fn: String, _ what: String) throws -> Int64 {
        switch v {
        case .integer(let i)?: return i
        case .number(let d)? where d.isFinite: return Int64(d.rounded(.up))
        default: throw LuaHostError("klik.schedule.\(fn): \(what) (a number) expected")
        }
    }

    static func jobTable(_ job: ScheduledJob) -> LuaValue {
        var t: [String: LuaValue] = ["id": .integer(job.id), "handler": .string(job.handler), "run_at": .integer(job.runAt),
                                     "runs": .integer(job.runs), "args": LuaJSON.lua(job.args)]
        if let spec = job.spec { t["every"] = .string(spec) }
        return .table(t)
    }

    func scheduleFunctions() -> [String: LuaHostFunction] {
        let plugin = runtime.manifest.id
        let store = timers.schedule.store
        @Sendable func args(_ a: [LuaValue], _ i: Int) -> JSONValue { a.count > i ? LuaJSON.json(a[i]) : .null }
        return [
            "at": { a in
                try guarded("klik.schedule.at") {
                    let time = try SLAHostAPI.seconds(a.first, "at", "time (Unix seconds, like klik.time.now())")
                    let h = try SLAHostAPI.handler(a.count > 1 ? a[1] : nil, "at")
                    return [.integer(try store.at(plugin: plugin, handler: h, time: time, args: args(a, 2), now: now, on: context.transaction?.connection))]
                }
            },
            "after": { a in
                try guarded("klik.schedule.after") {
                    let delay = try SLAHostAPI.seconds(a.first, "after", "delay in seconds")
                    guard delay >= 0 else { throw LuaHostError("klik.schedule.after: the delay must not be negative") }
                    let h = try SLAHostAPI.handler(a.count > 1 ? a[1] : nil, "after")
                    return [.integer(try store.at(plugin: plugin, handler: h, time: now + delay, args: args(a, 2), now: now, on: context.transaction?.connection))]
                }
            },
            "every": { a in
                try guarded("klik.schedule.every") {
                    guard let spec = a.first?.stringValue else { throw LuaHostError("klik.schedule.every: a schedule such as \"monday 07:00\" expected") }
                    let h = try SLAHostAPI.handler(a.count > 1 ? a[1] : nil, "every")
                    return [.integer(try store.every(plugin: plugin, handler: h, spec: spec, args: args(a, 2), now: now, on: context.transaction?.connection))]
                }
            },
            "cancel": { a in
                try guarded("klik.schedule.cancel") {
                    guard let id = a.first?.intValue else { throw LuaHostError("klik.schedule.cancel: a job id expected") }
                    return [.bool(try store.cancel(plugin: plugin, id: id, on: context.transaction?.connection))]
                }
            },
            "list": { _ in
                try guarded("klik.schedule.list") {
                    let jobs = try store.pending(plugin: plugin)
                    return [jobs.isEmpty ? .table([:]) : .array(jobs.map(SLAHostAPI.jobTable))]
                }
            },
        ]
    }
}
