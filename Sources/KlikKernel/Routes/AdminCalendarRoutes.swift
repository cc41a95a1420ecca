import Foundation
import KlikAuth
import KlikCore
import KlikHTTP
import KlikSLA

/// `/api/v1/admin/calendar/holidays`: the days off (national holidays, *cuti bersama*, regional
/// days off) of the default working calendar that SLA clocks count with. Admins edit, the
/// pimpinan reads; every change is audited with before and after.
enum AdminCalendarRoutes {
    static func register(on routes: inout Router.Builder, kernel: Kernel) {
        let store = kernel.timers.calendars
        let auth = kernel.auth
        routes.add("GET", "/api/v1/admin/calendar/holidays") { request in
            _ = try RouteSupport.adminRead(request)
            var year: Int?
            if let text = request.query["year"], !text.isEmpty {
                guard let y = Int(text), (1970...2200).contains(y) else {
                    throw KlikError.badRequest("Tahun tidak sah / 'year' must be a year such as 2026", code: "invalid_query")
                }
                year = y
            }
            return .json(["holidays": .array(try store.holidays(year: year).map(json))])
        }
        routes.add("PUT", "/api/v1/admin/calendar/holidays/{date}") { request in
            let caller = try RouteSupport.adminWrite(request)
            let date = request.params["date"] ?? ""
            guard CivilDate.parse(date) != nil else {
                throw KlikError.badRequest("Tanggal harus YYYY-MM-DD / date must be YYYY-MM-DD", code: "invalid_path")
            }
            let body = try BodyFields(request)
            let kindText = try body.string("kind", max: 20)
            guard let kind = Holiday.Kind(rawValue: kindText) else {
                throw KlikError.badRequest("Kolom 'kind' harus salah satu dari / field 'kind' must be one of: "
                    + Holiday.Kind.allCases.map(\.rawValue).joined(separator: ", "), code: "invalid_field")
            }
            guard let name = body.object["name"]?.objectValue, let id = name["id"]?.stringValue, let en = name["en"]?.stringValue,
                  !id.isEmpty, !en.isEmpty, id.count <= 100, en.count <= 100 else {
                throw KlikError.badRequest("Kolom 'name' harus {\"id\": ..., \"en\": ...} (maks 100) / field 'name' must be {\"id\", \"en\"} (max 100)",
                                           code: "invalid_field")
            }
            let source = try body.optionalString("source", max: 300) ?? caller.actor
            let before = try store.holidays().first { $0.date == date }
            let holiday = Holiday(date: date, kind: kind, name: LocalizedName(id: id, en: en), source: source)
            try store.setHoliday(holiday)
            auth.record(caller.actor, "calendar.set_holiday", "calendar:default:" + date,
                        ["before": before.map(json) ?? .null, "after": json(holiday)], request.clientAddress)
            return .json(["holiday": json(holiday)])
        }
        routes.add("DELETE", "/api/v1/admin/calendar/holidays/{date}") { request in
            let caller = try RouteSupport.adminWrite(request)
            let date = request.params["date"] ?? ""
            let before = try store.holidays().first { $0.date == date }
            guard let before, try store.removeHoliday(date: date) else {
                throw KlikError.notFound("Hari libur tidak ditemukan / no such day off")
            }
            auth.record(caller.actor, "calendar.remove_holiday", "calendar:default:" + date, ["before": json(before)], request.clientAddress)
            return .json(["ok": true])
        }
    }

    static func json(_ h: Holiday) -> JSONValue {
        ["date": .string(h.date), "kind": .string(h.kind.rawValue), "name": ["id": .string(h.name.id), "en": .string(h.name.en)],
         "source": .string(h.source)]
    }
}
