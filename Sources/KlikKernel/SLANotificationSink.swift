import Foundation
import KlikCore
import KlikNotify
import KlikSLA

/// Tells people when an SLA clock that belongs to an OPD changes colour: a warning (yellow) goes
/// to the OPD's members — its officers and its head; a breach (red) to the OPD's members and to
/// the pimpinan. Clocks without an OPD notify nobody (the plugin's own handlers still run).
/// Like every SLA sink it may be called again for the same event after a crash.
struct SLANotificationSink: SLATransitionSink {
    let notifier: Notifier
    let logger: Logger

    func deliver(_ event: SLAEvent) -> String {
        guard let opd = event.opd, !opd.isEmpty else { return "no_opd" }
        let message = SLANotificationSink.message(for: event)
        do {
            try notifier.send(message, to: .opd(opd), from: event.plugin)
            if event.kind == .breach { try notifier.send(message, to: .role("pimpinan"), from: event.plugin) }
            return "ok"
        } catch {
            logger.warn("SLA notification not sent", [("plugin", .string(event.plugin)), ("clock", .int(Int(event.clockId))),
                                                      ("error", .string("\(error)"))])
            return "error"
        }
    }

    static func message(for event: SLAEvent) -> NotificationMessage {
        let due = event.dueAt.map { SLANotificationSink.wib($0) } ?? "-"
        let title: LocalizedText
        let body: LocalizedText
        switch event.kind {
        case .warning:
            title = LocalizedText(id: "Tenggat hampir habis: \(event.subject)", en: "Deadline near: \(event.subject)")
            body = LocalizedText(id: "\(event.policy) (\(event.plugin)) jatuh tempo \(due) WIB.",
                                 en: "\(event.policy) (\(event.plugin)) is due \(due) WIB.")
        case .breach:
            title = LocalizedText(id: "Tenggat terlewati: \(event.subject)", en: "Deadline missed: \(event.subject)")
            body = LocalizedText(id: "\(event.policy) (\(event.plugin)) jatuh tempo \(due) WIB dan belum selesai.",
                                 en: "\(event.policy) (\(event.plugin)) was due \(due) WIB and is not done.")
        }
        let data: JSONValue = [
            "plugin": .string(event.plugin), "policy": .string(event.policy), "subject": .string(event.subject),
            "clock_id": .integer(event.clockId), "colour": .string(event.colour.rawValue), "event_id": .integer(event.id),
        ]
        return NotificationMessage(title: title, body: body, link: nil, data: data)
    }

    /// `2026-12-03 15:00` in WIB (UTC+7).
    static func wib(_ unixSeconds: Int64) -> String {
        let text = Timestamp.iso8601(Date(timeIntervalSince1970: TimeInterval(unixSeconds + 7 * 3600)))
        return text.prefix(10) + " " + text.dropFirst(11).prefix(5)
    }
}
