/// Seed data: Indonesia's 2026 national holidays (*libur nasional*) and joint leave days
/// (*cuti bersama*) for the `default` calendar, applied once by a kernel migration.
///
/// Source: SKB (joint decree) of the Minister of Religious Affairs, the Minister of Manpower and
/// the Minister of PAN-RB, No. 1497/2025, 2/2025 and 5/2025 (17 holidays, 8 cuti bersama days),
/// as announced by the Coordinating Minister for PMK on 19 September 2025 and reported by
/// government and news sites (e.g. disdiksmg.semarangkota.go.id). The dates were transcribed from
/// those secondary reports, not from the signed SKB text: an admin must check them against the
/// SKB (and any later amendment) and correct them in the calendar — they are data, not code.
public enum HolidaySeed2026 {
    public struct Entry: Sendable {
        public let date: String
        public let kind: String
        public let nameID: String
        public let nameEN: String
    }

    public static let source = "SKB Menag/Menaker/MenPAN-RB No. 1497, 2, 5 Tahun 2025 (transcribed from public reports; verify against the SKB)"

    public static let entries: [Entry] = [
        .init(date: "2026-01-01", kind: "libur_nasional", nameID: "Tahun Baru 2026 Masehi", nameEN: "New Year's Day"),
        .init(date: "2026-01-16", kind: "libur_nasional", nameID: "Isra Mikraj Nabi Muhammad SAW", nameEN: "Isra Mi'raj"),
        .init(date: "2026-02-16", kind: "cuti_bersama", nameID: "Cuti bersama Tahun Baru Imlek", nameEN: "Joint leave, Chinese New Year"),
        .init(date: "2026-02-17", kind: "libur_nasional", nameID: "Tahun Baru Imlek 2577 Kongzili", nameEN: "Chinese New Year"),
        .init(date: "2026-03-18", kind: "cuti_bersama", nameID: "Cuti bersama Hari Suci Nyepi", nameEN: "Joint leave, Nyepi"),
        .init(date: "2026-03-19", kind: "libur_nasional", nameID: "Hari Suci Nyepi (Tahun Baru Saka 1948)", nameEN: "Nyepi (Saka New Year)"),
        .init(date: "2026-03-20", kind: "cuti_bersama", nameID: "Cuti bersama Idul Fitri 1447 H", nameEN: "Joint leave, Eid al-Fitr"),
        .init(date: "2026-03-21", kind: "libur_nasional", nameID: "Idul Fitri 1447 H", nameEN: "Eid al-Fitr"),
        .init(date: "2026-03-22", kind: "libur_nasional", nameID: "Idul Fitri 1447 H", nameEN: "Eid al-Fitr"),
        .init(date: "2026-03-23", kind: "cuti_bersama", nameID: "Cuti bersama Idul Fitri 1447 H", nameEN: "Joint leave, Eid al-Fitr"),
        .init(date: "2026-03-24", kind: "cuti_bersama", nameID: "Cuti bersama Idul Fitri 1447 H", nameEN: "Joint leave, Eid al-Fitr"),
        .init(date: "2026-04-03", kind: "libur_nasional", nameID: "Wafat Yesus Kristus", nameEN: "Good Friday"),
        .init(date: "2026-04-05", kind: "libur_nasional", nameID: "Kebangkitan Yesus Kristus (Paskah)", nameEN: "Easter Sunday"),
        .init(date: "2026-05-01", kind: "libur_nasional", nameID: "Hari Buruh Internasional", nameEN: "Labour Day"),
        .init(date: "2026-05-14", kind: "libur_nasional", nameID: "Kenaikan Yesus Kristus", nameEN: "Ascension Day"),
        .init(date: "2026-05-15", kind: "cuti_bersama", nameID: "Cuti bersama Kenaikan Yesus Kristus", nameEN: "Joint leave, Ascension Day"),
        .init(date: "2026-05-27", kind: "libur_nasional", nameID: "Idul Adha 1447 H", nameEN: "Eid al-Adha"),
        .init(date: "2026-05-28", kind: "cuti_bersama", nameID: "Cuti bersama Idul Adha 1447 H", nameEN: "Joint leave, Eid al-Adha"),
        .init(date: "2026-05-31", kind: "libur_nasional", nameID: "Hari Raya Waisak 2570 BE", nameEN: "Vesak Day"),
        .init(date: "2026-06-01", kind: "libur_nasional", nameID: "Hari Lahir Pancasila", nameEN: "Pancasila Day"),
        .init(date: "2026-06-16", kind: "libur_nasional", nameID: "Tahun Baru Islam 1448 H", nameEN: "Islamic New Year"),
        .init(date: "2026-08-17", kind: "libur_nasional", nameID: "Hari Proklamasi Kemerdekaan RI", nameEN: "Independence Day"),
        .init(date: "2026-08-25", kind: "libur_nasional", nameID: "Maulid Nabi Muhammad SAW", nameEN: "Prophet Muhammad's Birthday"),
        .init(date: "2026-12-24", kind: "cuti_bersama", nameID: "Cuti bersama Hari Raya Natal", nameEN: "Joint leave, Christmas"),
        .init(date: "2026-12-25", kind: "libur_nasional", nameID: "Hari Raya Natal", nameEN: "Christmas Day"),
    ]

    /// INSERT statements for the kernel migration (values are constants above, quoted for SQL).
    public static var sql: String {
        func q(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
        return entries.map {
            "INSERT INTO klik_sla_holidays (calendar, date, kind, name_id, name_en, source) VALUES ('default', \(q($0.date)), \(q($0.kind)), \(q($0.nameID)), \(q($0.nameEN)), \(q(source)));"
        }.joined(separator: "\n")
    }
}
