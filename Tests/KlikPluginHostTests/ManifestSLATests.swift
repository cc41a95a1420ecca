import Foundation
import KlikCore
import KlikSLA
import Testing
@testable import KlikPluginHost

@Suite struct ManifestSLATests {
    @Test func policiesDecodeWithDefaults() throws {
        let fx = try Fixture()
        try fx.plugin("lapor")
        let result = try fx.load(Sample.manifest("lapor", ["sla": [
            "verifikasi": ["target": ["working_days": 3]],
            "tindak_lanjut": ["target": ["working_hours": 40], "warning": .number(0.5), "calendar": "kantor"],
            "selesai": ["target": ["calendar_days": 60]],
        ]]))
        let m = try result.get()
        #expect(m.sla["verifikasi"] == SLAPolicy(name: "verifikasi", target: .workingDays(3)))
        #expect(m.sla["tindak_lanjut"] == SLAPolicy(name: "tindak_lanjut", target: .workingHours(40), warning: 0.5, calendar: "kantor"))
        #expect(m.sla["selesai"]?.target == .calendarDays(60))
    }

    @Test func violationsHaveJSONPaths() throws {
        let fx = try Fixture()
        try fx.plugin("lapor")
        let out = try fx.violations(Sample.manifest("lapor", ["sla": [
            "Bad-Name": ["target": ["working_days": 3]],
            "no_target": ["warning": .number(0.5)],
            "two": ["target": ["working_days": 3, "calendar_days": 4]],
            "zero_warning": ["target": ["working_days": 1], "warning": 0],
            "late": ["target": ["working_days": -1], "warning": .number(1.5)],
        ]]))
        #expect(out.at("$.sla.Bad-Name").first?.message.contains("must match") == true)
        #expect(out.at("$.sla.no_target.target").map(\.message) == ["is required"])
        #expect(!out.at("$.sla.two.target").isEmpty)
        #expect(out.at("$.sla.zero_warning.warning").first?.message.contains("more than 0") == true)
        #expect(!out.at("$.sla.late.warning").isEmpty)
        #expect(!out.filter { $0.path.hasPrefix("$.sla.late.target") }.isEmpty)
    }
}
