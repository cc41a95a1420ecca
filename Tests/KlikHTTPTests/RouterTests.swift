import Testing
import KlikCore
@testable import KlikHTTP

@Suite struct RouterTests {
    func makeRouter() -> Router {
        var b = Router.Builder()
        b.add("GET", "/items/{id}") { r in .text("item \(r.params["id"] ?? "")") }
        b.add("GET", "/items/new") { _ in .text("new") }
        b.add("DELETE", "/items/{id}") { _ in .text("deleted") }
        b.add("GET", "/a/{x}/c") { _ in .text("c") }
        b.add("GET", "/a/b/d") { _ in .text("d") }
        return b.build()
    }

    @Test func literalSegmentsWinOverParameters() throws {
        guard case .matched(let m) = makeRouter().route(method: "GET", path: "/items/new") else { Issue.record("no match"); return }
        #expect(m.pattern == "/items/new")
    }

    @Test func capturesParameters() throws {
        guard case .matched(let m) = makeRouter().route(method: "GET", path: "/items/42") else { Issue.record("no match"); return }
        #expect(m.params == ["id": "42"])
        #expect(m.pattern == "/items/{id}")
    }

    @Test func backtracksFromLiteralToParameter() throws {
        guard case .matched(let m) = makeRouter().route(method: "GET", path: "/a/b/c") else { Issue.record("no match"); return }
        #expect(m.params == ["x": "b"])
    }

    @Test func wrongMethodListsAllowedMethods() {
        guard case .methodNotAllowed(let allowed) = makeRouter().route(method: "POST", path: "/items/7") else {
            Issue.record("expected 405"); return
        }
        #expect(allowed == ["DELETE", "GET", "HEAD"])
    }

    @Test func headFallsBackToGet() {
        guard case .matched = makeRouter().route(method: "HEAD", path: "/items/7") else { Issue.record("expected match"); return }
    }

    @Test func unknownPathIsNotFound() {
        guard case .notFound = makeRouter().route(method: "GET", path: "/nothing") else { Issue.record("expected 404"); return }
        guard case .notFound = makeRouter().route(method: "GET", path: "/items") else { Issue.record("expected 404"); return }
    }
}

@Suite struct PathCheckTests {
    @Test(arguments: [
        ("/a/../b", true), ("/a/./b", true), ("/..", true), ("/.", true), ("/a/..", true),
        ("/a/.hidden", false), ("/a/..b", false), ("/a/b.", false), ("/healthz", false), ("/", false),
    ])
    func dotSegmentsAreFound(path: String, expected: Bool) {
        #expect(hasDotSegment(path) == expected)
    }

    @Test func segmentsSkipEmptyParts() {
        #expect(Router.segments(of: "//api/v1//x/") == ["api", "v1", "x"])
        #expect(Router.segments(of: "/") == [])
        #expect(Router.segments(of: "/ü/é") == ["ü", "é"])
    }
}

@Suite struct RouterParameterTests {
    @Test func parametersCanCarryALiteralSuffix() {
        var b = Router.Builder()
        b.add("GET", "/services/{code}.json") { _ in .text("json") }
        b.add("GET", "/services/{code}.xml") { _ in .text("xml") }
        b.add("GET", "/services/{code}") { _ in .text("plain") }
        let router = b.build()
        guard case .matched(let json) = router.route(method: "GET", path: "/services/jalan.json") else { Issue.record("no match"); return }
        #expect(json.params == ["code": "jalan"])
        #expect(json.pattern == "/services/{code}.json")
        guard case .matched(let xml) = router.route(method: "GET", path: "/services/jalan.xml") else { Issue.record("no match"); return }
        #expect(xml.pattern == "/services/{code}.xml")
        guard case .matched(let plain) = router.route(method: "GET", path: "/services/jalan") else { Issue.record("no match"); return }
        #expect(plain.params == ["code": "jalan"])
        // The parameter itself may not be empty.
        guard case .matched(let bare) = router.route(method: "GET", path: "/services/.json") else { Issue.record("no match"); return }
        #expect(bare.pattern == "/services/{code}")
    }

    @Test func routesMayNameTheSamePositionDifferently() {
        var b = Router.Builder()
        b.add("GET", "/a/{x}") { _ in .text("x") }
        b.add("GET", "/a/{y}/b") { _ in .text("y") }
        b.add("DELETE", "/a/{z}") { _ in .text("z") }
        let router = b.build()
        guard case .matched(let x) = router.route(method: "GET", path: "/a/1") else { Issue.record("no match"); return }
        #expect(x.params == ["x": "1"])
        guard case .matched(let y) = router.route(method: "GET", path: "/a/2/b") else { Issue.record("no match"); return }
        #expect(y.params == ["y": "2"])
        guard case .matched(let z) = router.route(method: "DELETE", path: "/a/3") else { Issue.record("no match"); return }
        #expect(z.params == ["z": "3"])
    }
}
