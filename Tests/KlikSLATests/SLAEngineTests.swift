import Foundation
import KlikCore
import Synchronization
import Testing
@testable import KlikSLA

/// Records what it receives.
final class RecordingSink: SLATransitionSink {
    let events = Mutex<[SLAEvent]>([])
    func deliver(_ event: SLAEvent) -> String {
        events.withLock { $0.append(event) }
        return "ok"
    }
}

@Suite struct SLAEngineTests {
    let clock = FakeClock(Date(timeIntervalSince1970: TimeInterval(wib(2026, 2, 2, 8))))
    let engine: SLAEngine
    let sink = RecordingSink()

    init() throws {
        let db = try migratedDatabase()
        engine = SLAEngine(clocks: SLAClocks(database: db, calendars: CalendarStore(database: db)), clock: clock)
        engine.add(sink: sink)
    }

    var now: Int64 { Int64(clock.now().timeIntervalSince1970) }

    @Test func catchesUpEveryMissedTransitionOnceInOrderAfterDowntime() throws {
        engine.batchSize = 7   // several batches, so ordering across batches is exercised
        let policy = SLAPolicy(name: "tindak_lanjut", target: .workingDays(5))
        for i in 0..<20 {
            try engine.clocks.start(plugin: "p", policy: policy, subject: "s\(i)", now: now + Int64(i * 3 * 3600))
        }
        try engine.clocks.start(plugin: "p", policy: SLAPolicy(name: "lama", target: .calendarDays(365)), subject: "far", now: now)
        clock.advance(by: 21 * 86_400)
        let report = try engine.tick()
        #expect(report.fired == 40 && report.delivered == 40)
        let events = sink.events.withLock { $0 }
        #expect(events.count == 40)
        #expect(events.map(\.at) == events.map(\.at).sorted())
        for i in 0..<20 {
            let mine = events.filter { $0.subject == "s\(i)" }
            #expect(mine.map(\.kind) == [.warning, .breach])
        }
        #expect(try engine.tick() == .init())
        #expect(try engine.nextDue() == wib(2026, 2, 2, 8) + 365 * 86_400 * 3 / 4)
    }

    @Test func firesAtTheBoundaryAndNotBefore() throws {
        let s = try engine.clocks.start(plugin: "p", policy: SLAPolicy(name: "x", target: .workingDays(4)), subject: "1", now: now)
        clock.set(Date(timeIntervalSince1970: TimeInterval(s.record.warnAt! - 1)))
        #expect(try engine.tick().fired == 0)
        clock.advance(by: 1)
        #expect(try engine.tick().fired == 1)
        clock.set(Date(timeIntervalSince1970: TimeInterval(s.due!)))
        #expect(try engine.tick().fired == 1)
        #expect(sink.events.withLock { $0.map(\.kind) } == [.warning, .breach])
    }

    @Test func aZeroTargetFiresWarningThenBreachOnce() throws {
        try engine.clocks.start(plugin: "p", policy: SLAPolicy(name: "segera", target: .workingDays(0)), subject: "1", now: now)
        #expect(try engine.tick().fired == 2)
        #expect(try engine.tick().fired == 0)
        #expect(sink.events.withLock { $0.map(\.kind) } == [.warning, .breach])
    }

    @Test func pausedAndCompletedClocksOweOnlyWhatHappenedBefore() throws {
        let policy = SLAPolicy(name: "x", target: .workingDays(4))
        try engine.clocks.start(plugin: "p", policy: policy, subject: "paused", now: now)
        try engine.clocks.start(plugin: "p", policy: policy, subject: "done", now: now)
        clock.advance(by: 3 * 86_400 + 3600)   // past the warning (Thu 08:00), engine not run
        try engine.clocks.pause(plugin: "p", subject: "paused", now: now)
        try engine.clocks.complete(plugin: "p", subject: "done", now: now)
        clock.advance(by: 30 * 86_400)
        #expect(try engine.tick().fired == 2)   // the two warnings, no breach
        #expect(sink.events.withLock { $0.allSatisfy { $0.kind == .warning } })
    }

    @Test func redeliversWhatWasNotMarkedDeliveredWithTheSameIds() throws {
        try engine.clocks.start(plugin: "p", policy: SLAPolicy(name: "segera", target: .workingDays(0)), subject: "1", now: now)
        try engine.tick()
        // As if the process died after calling the sinks but before recording it.
        try engine.clocks.database.write { c in _ = try c.run("UPDATE klik_sla_delivery SET last_event = 0") }
        let again = try engine.tick()
        #expect(again.fired == 0 && again.delivered == 2)
        let ids = sink.events.withLock { $0.map(\.id) }
        #expect(ids.count == 4 && ids[0] == ids[2] && ids[1] == ids[3])
    }
}
