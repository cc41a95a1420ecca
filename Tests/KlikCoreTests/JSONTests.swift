import Foundation
import Testing
@testable import KlikCore

@Suite struct JSONParserTests {
    @Test func parsesNestedDocument() throws {
        let value = try JSONParser.parse(#"{"a":[1,2.5,"x\u00e9\n"],"b":{"c":null,"d":true},"e":-0}"#)
        #expect(value["a"] == .array([.integer(1), .number(2.5), .string("xé\n")]))
        #expect(value["b"]?["c"] == .null)
        #expect(value["b"]?["d"] == .bool(true))
        #expect(value["e"] == .integer(0))
    }

    @Test func decodesSurrogatePairs() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#""\ud83d""#) }
    }

    @Test(arguments: [
        ("{\"a\":1,}", 1, 8, "expected a string key"),
        ("{\"a\" 1}", 1, 6, "expected ':' after key"),
        ("[1,\n 2,\n x]", 3, 2, "unexpected character, expected a value"),
        ("\"abc", 1, 5, "unterminated string"),
        ("01", 1, 2, "leading zero in number"),
        ("{} {}", 1, 4, "unexpected data after the JSON value"),
        ("", 1, 1, "unexpected end of input, expected a value"),
    ])
    func reportsLineColumnAndReason(input: String, line: Int, column: Int, reason: String) {
        do {
            _ = try JSONParser.parse(input)
            Issue.record("expected a parse error for \(input)")
        } catch {
            #expect(error.line == line)
            #expect(error.column == column)
            #expect(error.reason == reason)
        }
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    @Test func refusesInvalidUTF8InStrings() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
    }

    @Test func writerSortsKeysAndEscapes() throws {
        let value: JSONValue = ["b": 1, "a": ["x\"y", .null, .number(1.5)], "c": .string("\u{1}")]
        let text = JSONWriter.string(value)
        #expect(text == #"{"a":["x\"y",null,1.5],"b":1,"c":"\u0001"}"#)
        #expect(try JSONParser.parse(text) == value)
    }
}

@Suite struct LoggerTests {
    @Test func writesOneJSONObjectPerLineAndFiltersLevels() throws {
        let sink = MemorySink()
        let logger = Logger(minimumLevel: .info, sink: sink, clock: FakeClock())
        logger.debug("hidden")
        logger.info("shown", [("n", 3), ("s", "a\"b")])
        #expect(sink.lines.count == 1)
        let parsed = try JSONParser.parse(sink.lines[0])
        #expect(parsed["msg"] == "shown")
        #expect(parsed["n"] == .integer(3))
        #expect(parsed["s"] == "a\"b")
        #expect(parsed["ts"] == "2026-01-01T00:00:00.000Z")
    }

    @Test func formatsDurationsWithThreeDecimals() {
        #expect(LogValue.fixed3(1.5) == "1.500")
        #expect(LogValue.fixed3(0.0004) == "0.000")
        #expect(LogValue.fixed3(-2.25) == "-2.250")
        #expect(LogValue.fixed3(1234.5678) == "1234.568")
    }

    @Test func timestampsAreRFC3339WithMilliseconds() {
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 1_767_225_600.25)) == "2026-01-01T00:00:00.250Z")
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
    }
}
