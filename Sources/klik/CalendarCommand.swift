import Foundation
import KlikCore
import KlikKernel
import KlikSLA
import KlikStorage

/// `klik calendar holidays [YEAR]`, `klik calendar set-holiday DATE KIND NAME_ID NAME_EN [SOURCE]`,
/// `klik calendar remove-holiday DATE`: the admin's way to keep the `default` working calendar
/// (national holidays, *cuti bersama*, regional days off) in step with each year's SKB.
func runCalendar(_ args: [String], _ environment: [String: String]) {
    guard let sub = args.first else { fail("calendar: sebutkan perintah / name a subcommand: holidays, set-holiday, remove-holiday", code: 2) }
    let config: KernelConfiguration
    let rest: [String]
    do {
        (config, rest) = try ConfigurationLoader.load(arguments: Array(args.dropFirst()), environment: environment)
    } catch { fail("\(error)", code: 2) }
    do {
        try ConfigurationLoader.prepareDataDirectory(config.dataDirectory)
        let db = try Database(path: config.databasePath)
        defer { db.close() }
        try KernelMigrations.apply(to: db)
        let store = CalendarStore(database: db)
        let actor = "cli:\(ProcessInfo.processInfo.environment["USER"] ?? "root")"
        switch sub {
        case "holidays":
            for h in try store.holidays(year: rest.first.flatMap { Int($0) }) {
                print("\(h.date)  \(h.kind.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0))  \(h.name.id) / \(h.name.en)")
            }
        case "set-holiday":
            guard rest.count >= 4, let kind = Holiday.Kind(rawValue: rest[1]) else {
                fail("calendar set-holiday DATE KIND NAME_ID NAME_EN [SOURCE]; KIND: \(Holiday.Kind.allCases.map(\.rawValue).joined(separator: ", "))", code: 2)
            }
            let source = rest.count > 4 ? rest[4] : actor
            try store.setHoliday(Holiday(date: rest[0], kind: kind, name: LocalizedName(id: rest[2], en: rest[3]), source: source))
            print("\(rest[0]): disimpan / saved (a running server sees it within 30 s)")
        case "remove-holiday":
            guard rest.count == 1 else { fail("calendar remove-holiday DATE", code: 2) }
            print(try store.removeHoliday(date: rest[0]) ? "\(rest[0]): dihapus / removed" : "\(rest[0]): tidak ada / no such day off")
        default:
            fail("calendar: perintah tidak dikenal / unknown subcommand '\(sub)'", code: 2)
        }
    } catch { fail("calendar \(sub): \(error)") }
}
