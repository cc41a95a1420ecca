import KlikCore
import Testing
@testable import KlikPluginHost

@Suite struct JSONSchemaValidatorTests {
    func paths(_ value: JSONValue, _ schema: JSONValue) -> [String] {
        JSONSchemaValidator.validate(value, against: schema).map(\.description)
    }

    @Test func typesIncludingUnions() {
        #expect(paths(1, ["type": "integer"]).isEmpty)
        #expect(paths(.number(2.0), ["type": "integer"]).isEmpty)
        #expect(paths(.number(2.5), ["type": "integer"]) == ["$: must be an integer (found number)"])
        #expect(paths(3, ["type": "number"]).isEmpty)
        #expect(paths(nil, ["type": ["string", "null"]]).isEmpty)
        #expect(paths(true, ["type": ["string", "null"]]) == ["$: must be a string or null (found boolean)"])
    }

    @Test func objectsReportEveryViolationWithPaths() {
        let schema: JSONValue = [
            "type": "object", "required": ["a", "b"], "additionalProperties": false,
            "properties": ["a": ["type": "string", "minLength": 2, "maxLength": 3, "pattern": "^[a-z]+$"], "b": ["type": "integer"]],
        ]
        let out = paths(["a": "X", "c": 1], schema)
        #expect(out == [
            "$.b: is required",
            "$.a: must be at least 2 characters long",
            "$.a: must match pattern ^[a-z]+$",
            "$.c: unknown property (allowed: a, b)",
        ])
        #expect(paths(["a": "abcd", "b": 1], schema) == ["$.a: must be at most 3 characters long"])
    }

    @Test func additionalAndPatternProperties() {
        let schema: JSONValue = [
            "type": "object",
            "patternProperties": ["^x_": ["type": "integer"]],
            "additionalProperties": ["type": "string"],
        ]
        #expect(paths(["x_a": 1, "b": "s"], schema).isEmpty)
        #expect(paths(["x_a": "no", "b": 2], schema) == ["$.b: must be a string (found integer)", "$.x_a: must be an integer (found string)"])
        #expect(paths(["odd key": 2], schema) == [#"$["odd key"]: must be a string (found integer)"#])
    }

    @Test func arrays() {
        let schema: JSONValue = ["type": "array", "minItems": 1, "maxItems": 3, "uniqueItems": true, "items": ["enum": ["a", "b", 1]]]
        #expect(paths(["a", 1], schema).isEmpty)
        #expect(paths([], schema) == ["$: must have at least 1 item"])
        #expect(paths(["a", "b", "a", "c"], schema) == [
            "$: must have at most 3 items",
            "$[2]: a is listed more than once (first at [0])",
            "$[3]: must be one of: a, b, 1",
        ])
        #expect(paths([1, .number(1.0)], ["uniqueItems": true]) == ["$[1]: 1 is listed more than once (first at [0])"])
    }

    @Test func numbersConstAndEnum() {
        let schema: JSONValue = ["type": "number", "minimum": 1, "maximum": .number(2.5)]
        #expect(paths(.number(2.5), schema).isEmpty)
        #expect(paths(0, schema) == ["$: must be at least 1"])
        #expect(paths(3, schema) == ["$: must be at most 2.5"])
        #expect(paths("a", ["const": "a"]).isEmpty)
        #expect(paths("b", ["const": "a"]) == ["$: must be a"])
    }

    @Test func refsAndBranches() {
        let schema: JSONValue = [
            "$defs": ["name": ["type": "string", "minLength": 1]],
            "type": "object",
            "properties": [
                "n": ["$ref": "#/$defs/name"],
                "access": ["anyOf": [
                    ["type": "string", "enum": ["public", "user"]],
                    ["type": "object", "required": ["roles"], "properties": ["roles": ["type": "array", "items": ["enum": ["admin"]]]]],
                ]],
                "one": ["oneOf": [["type": "integer"], ["type": "number"]]],
                "bad": ["$ref": "#/$defs/missing"],
            ],
        ]
        #expect(paths(["n": "x", "access": "user"], schema).isEmpty)
        #expect(paths(["n": "", "access": ["roles": ["root"]]], schema) == [
            "$.access.roles[0]: must be one of: admin",
            "$.n: must be at least 1 character long",
        ])
        #expect(paths(["access": "opd"], schema) == ["$.access: must be one of: public, user"])
        #expect(paths(["access": 3], schema) == ["$.access: must be a string or an object"])
        #expect(paths(["one": .number(1.5)], schema).isEmpty)
        #expect(paths(["one": 1], schema) == ["$.one: matches more than one allowed form"])
        #expect(paths(["bad": 1], schema) == ["$.bad: schema error: cannot resolve $ref #/$defs/missing"])
    }

    @Test func booleanSchemas() {
        #expect(paths(1, true).isEmpty)
        #expect(paths(1, false) == ["$: not allowed here"])
    }
}
