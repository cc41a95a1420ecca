import KlikCore
import Testing
@testable import KlikPluginHost

@Suite struct SettingsSchemaTests {
    static let schema: JSONValue = [
        "type": "object",
        "properties": [
            "radius_m": ["type": "integer", "default": 500, "minimum": 10, "maximum": 5000, "description": "Search radius in metres"],
            "greeting": ["type": "string", "default": "Halo", "maxLength": 20, "description": "Greeting text"],
            "mode": ["type": "string", "enum": ["fast", "safe"], "default": "safe", "description": "Mode"],
            "enabled": ["type": "boolean", "default": true, "description": "On or off"],
        ],
    ]

    @Test func acceptsAUsableSchema() {
        #expect(SettingsSchema.check(Self.schema).isEmpty)
    }

    @Test func reportsEveryProblemInAPropertyWithPaths() {
        let schema: JSONValue = [
            "type": "array",
            "properties": [
                "a": ["type": "integer", "default": "x", "minimum": 1],
                "b": ["default": 1, "description": ""],
                "c": ["type": "string", "description": "C", "pattern": "(", "default": "x", "minimun": 3],
                "Bad-Name": ["type": "number", "default": 1, "description": "d"],
            ],
        ]
        let out = SettingsSchema.check(schema).map(\.description)
        #expect(out.contains("$.settings.type: must be \"object\""))
        #expect(out.contains("$.settings.properties.a.description: is required"))
        #expect(out.contains("$.settings.properties.a.default: must be an integer (found string)"))
        #expect(out.contains("$.settings.properties.b.type: is required"))
        #expect(out.contains("$.settings.properties.b.description: must be a non-empty string"))
        #expect(out.contains("$.settings.properties.c.pattern: must be a valid regular expression"))
        #expect(out.contains { $0.hasPrefix("$.settings.properties.c.minimun: unknown keyword") })
        #expect(out.contains { $0.hasPrefix("$.settings.properties.Bad-Name: setting name must match") })
        #expect(SettingsSchema.check(["type": "object"]).map(\.description) == ["$.settings.properties: is required"])
        #expect(SettingsSchema.check(3).map(\.description) == ["$.settings: must be a JSON Schema object (found integer)"])
    }

    @Test func defaultOutsideItsOwnBoundsIsRefused() {
        let schema: JSONValue = ["type": "object", "properties": ["n": ["type": "integer", "default": 0, "minimum": 1, "description": "n"]]]
        #expect(SettingsSchema.check(schema).map(\.description) == ["$.settings.properties.n.default: must be at least 1"])
    }

    @Test func defaults() {
        #expect(SettingsSchema.defaults(Self.schema) == ["radius_m": 500, "greeting": "Halo", "mode": "safe", "enabled": true])
    }

    @Test func validatesSubmittedValues() {
        #expect(SettingsSchema.validate(["radius_m": 800, "mode": "fast"], against: Self.schema).isEmpty)
        let out = SettingsSchema.validate(["radius_m": "far", "mode": "slow", "colour": "red", "greeting": "x"], against: Self.schema)
        #expect(out.map(\.description) == [
            "$.colour: unknown setting (known: enabled, greeting, mode, radius_m)",
            "$.mode: must be one of: fast, safe",
            "$.radius_m: must be an integer (found string)",
        ])
        #expect(SettingsSchema.validate(["radius_m": 5001], against: Self.schema).map(\.description) == ["$.radius_m: must be at most 5000"])
        #expect(SettingsSchema.validate([1], against: Self.schema).map(\.description) == ["$: must be an object (found array)"])
    }
}
