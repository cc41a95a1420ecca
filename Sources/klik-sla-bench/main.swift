// klik-sla-bench: N open SLA clocks in a temporary database, 1 % of them due; measures one engine
// tick that finds, fires, records and delivers the due transitions, and the process's memory.
// Run by bench/sla.sh (release build). Usage: klik-sla-bench [clocks] [due-percent] [batch] [rounds]
import Foundation
import KlikCore
import KlikKernel
import KlikSLA
import KlikStorage
import Synchronization

final class CountingSink: SLATransitionSink {
    let count = Atomic<Int>(0)
    func deliver(_ event: SLAEvent) -> String {
        count.add(1, ordering: .relaxed)
        return "ok"
    }
}

func rssKiB(_ field: String = "VmRSS") -> Int {
    let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = text.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
}

func ms(_ start: UInt64) -> Double { Double(Monotonic.nanoseconds() - start) / 1e6 }

let args = CommandLine.arguments
let total = args.count > 1 ? Int(args[1]) ?? 1_000_000 : 1_000_000
let duePercent = args.count > 2 ? Double(args[2]) ?? 1 : 1
let due = Int(Double(total) * duePercent / 100)
let batch = args.count > 3 ? Int(args[3]) ?? 2000 : 2000

let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klik-sla-bench-\(UUID().uuidString.prefix(8))")
try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: dir) }
let database = try Database(path: dir.appendingPathComponent("klik.db").path)
try KernelMigrations.apply(to: database)

// Now: Wednesday 1 July 2026, 10:00 WIB. Due clocks started 4 working days ago (past the 75 % warning,
// before the breach): one transition each. The rest started within the last day.
let now = CivilDate.day(year: 2026, month: 7, day: 1) * 86_400 + 3 * 3600
let clock = FakeClock(Date(timeIntervalSince1970: TimeInterval(now)))
let timers = TimerService(database: database, clock: clock)
timers.engine.batchSize = batch
let sink = CountingSink()
timers.engine.add(sink: sink)
let policy = SLAPolicy(name: "tindak_lanjut", target: .workingDays(5))
let opds = ["PUPR", "DLH", "Dinkes", "Disdik", "Dishub", "Bapenda", "Dukcapil", "Dinsos"]

print("# klik-sla-bench: \(total) open clocks, \(due) due (\(duePercent) %), engine batch \(batch)")
var t = Monotonic.nanoseconds()
var inserted = 0
while inserted < total {
    let end = min(total, inserted + 50_000)
    try database.write { c in
        for i in inserted..<end {
            let started = i < due ? now - 6 * 86_400 - Int64(i % 3600) : now - Int64(i % 86_400)
            try timers.clocks.start(plugin: "klik-lapor", policy: policy, subject: "lapor-\(i)", opd: opds[i % opds.count],
                                    category: "jalan", now: started, on: c)
        }
    }
    inserted = end
}
print(String(format: "insert: %.1f s (%.0f clocks/s), RSS %d KiB", ms(t) / 1000, Double(total) / (ms(t) / 1000), rssKiB()))
let rssBefore = rssKiB()

// Rounds: each adds `due` clocks that started 4 working days ago (so the table keeps growing past
// the million) and times one tick that finds, fires, records and delivers them.
var times: [Double] = []
let rounds = args.count > 4 ? Int(args[4]) ?? 5 : 5
var failed = false
for round in 0..<rounds {
    if round > 0 {
        try database.write { c in
            for i in 0..<due {
                try timers.clocks.start(plugin: "klik-lapor", policy: policy, subject: "r\(round)-\(i)", opd: opds[i % opds.count],
                                        category: "jalan", now: now - 6 * 86_400 - Int64(i % 3600), on: c)
            }
        }
    }
    let seen = sink.count.load(ordering: .relaxed)
    t = Monotonic.nanoseconds()
    let report = try timers.engine.tick()
    times.append(ms(t))
    print(String(format: "tick %d: %.1f ms for %d transitions fired, %d delivered", round + 1, times.last!, report.fired, report.delivered))
    if report.fired != due || sink.count.load(ordering: .relaxed) - seen != due { failed = true }
}
let sorted = times.sorted()
print(String(format: "tick over %d rounds: min %.1f ms, median %.1f ms, max %.1f ms", rounds, sorted.first!, sorted[sorted.count / 2], sorted.last!))
print("RSS: before the ticks \(rssBefore) KiB, after \(rssKiB()) KiB")

t = Monotonic.nanoseconds()
let idle = try timers.engine.tick()
print(String(format: "idle tick (nothing due): %.3f ms, fired %d", ms(t), idle.fired))

t = Monotonic.nanoseconds()
let next = try timers.engine.nextDue()
print(String(format: "nextDue: %.3f ms (%@)", ms(t), next.map { CivilDate.rfc3339($0, offset: 25_200) } ?? "none"))

t = Monotonic.nanoseconds()
let counts = try timers.clocks.counts(plugin: "klik-lapor", by: .colour, now: now)
print(String(format: "counts by colour over all clocks: %.0f ms; ", ms(t)) + counts.map { "\($0.key ?? "-")=\($0.total)" }.joined(separator: " "))
print("RSS: after counts \(rssKiB()) KiB, peak \(rssKiB("VmHWM")) KiB")
if failed {
    print("FAILED: a tick did not fire and deliver exactly \(due) transitions")
    exit(1)
}
