import Foundation
import Testing
import KlikCore
import KlikHTTP
import KlikKernel
import KlikTesting

/// The kernel's HTTP behaviour, over real sockets against a real kernel on a free port.
@Suite(.serialized) struct HTTPServerTests {
    let kernel: TestKernel

    init() throws {
        kernel = try TestKernel(configure: { $0.http.maxBodyBytes = 64 << 10 }, extraRoutes: { routes in
            routes.add("POST", "/test/echo") { request in
                let value = try request.jsonBody()
                return .json(["received": value])
            }
            routes.add("GET", "/test/items/{id}") { request in .json(["id": .string(request.params["id"] ?? "")]) }
            routes.add("GET", "/test/fail") { _ in throw CancellationError() }
        })
    }

    @Test func healthzAnswersStatusAndVersion() throws {
        let response = try kernel.client.get("/healthz")
        #expect(response.status == 200)
        #expect(response.header("content-type") == "application/json; charset=utf-8")
        let body = try JSONParser.parse(response.body)
        #expect(body["status"] == "ok")
        #expect(body["version"] == .string(KlikVersion.kernel))
    }

    @Test func unknownPathIs404JSON() throws {
        let response = try kernel.client.get("/no/such/thing")
        #expect(response.status == 404)
        let body = try JSONParser.parse(response.body)
        #expect(body["error"]?["code"] == "not_found")
        #expect(body["error"]?["request_id"] == .string(response.header("x-request-id") ?? "?"))
    }

    @Test func wrongMethodIs405WithAllow() throws {
        let response = try kernel.client.request("DELETE", "/healthz")
        #expect(response.status == 405)
        #expect(response.header("allow") == "GET, HEAD")
        #expect(try JSONParser.parse(response.body)["error"]?["code"] == "method_not_allowed")
    }

    @Test func pathParametersReachTheHandler() throws {
        let response = try kernel.client.get("/test/items/abc-1")
        #expect(try JSONParser.parse(response.body)["id"] == "abc-1")
    }

    @Test func malformedJSONIs400NamingTheProblem() throws {
        let response = try kernel.client.post("/test/echo", json: "{\"a\": 1,\n \"b\" 2}")
        #expect(response.status == 400)
        let error = try JSONParser.parse(response.body)["error"]
        #expect(error?["code"] == "invalid_json")
        let message = error?["message"]?.stringValue ?? ""
        #expect(message.contains("line 2, column 6"))
        #expect(message.contains("expected ':' after key"))
    }

    @Test func validJSONIsEchoed() throws {
        let response = try kernel.client.post("/test/echo", json: #"{"nama":"Pelalawan","n":[1,2]}"#)
        #expect(response.status == 200)
        #expect(try JSONParser.parse(response.body)["received"]?["nama"] == "Pelalawan")
    }

    @Test func handlerFailureIs500WithoutDetails() throws {
        let response = try kernel.client.get("/test/fail")
        #expect(response.status == 500)
        #expect(!response.text.contains("CancellationError"))
        #expect(try JSONParser.parse(response.body)["error"]?["code"] == "internal")
    }

    @Test func oversizedBodyIs413AndServerKeepsServing() throws {
        let big = [UInt8](repeating: 0x61, count: 200 << 10)
        let response = try kernel.client.request("POST", "/test/echo", headers: ["Content-Type": "application/json"], body: big)
        #expect(response.status == 413)
        #expect(try JSONParser.parse(response.body)["error"]?["code"] == "payload_too_large")
        #expect(try kernel.client.get("/healthz").status == 200)
    }

    @Test func chunkedBodyOverTheLimitIs413() throws {
        let connection = try TestConnection(port: kernel.port)
        var raw = "POST /test/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
        for _ in 0..<20 { raw += "2000\r\n" + String(repeating: "a", count: 0x2000) + "\r\n" }
        raw += "0\r\n\r\n"
        try connection.send(raw)
        #expect(try connection.readResponse().status == 413)
    }

    @Test func hugeHeadersAre431AndServerKeepsServing() throws {
        let response = try kernel.client.get("/healthz", headers: ["X-Huge": String(repeating: "h", count: 100_000)])
        #expect(response.status == 431)
        #expect(try kernel.client.get("/healthz").status == 200)
    }

    @Test func dotDotAndInvalidUTF8PathsAre400() throws {
        for path in ["/test/items/%2e%2e/x", "/a/../healthz", "/test/items/%ff%fe"] {
            let response = try kernel.client.get(path)
            #expect(response.status == 400, "path \(path)")
            #expect(try JSONParser.parse(response.body)["error"]?["code"] == "invalid_path")
        }
        #expect(try kernel.client.get("/healthz").status == 200)
    }

    @Test func keepAliveServesManyRequestsOnOneConnection() throws {
        let connection = try TestConnection(port: kernel.port)
        for _ in 0..<5 {
            let response = try connection.request("GET", "/healthz")
            #expect(response.status == 200)
            #expect(response.header("connection")?.lowercased() != "close")
        }
        #expect(!connection.isClosedByServer())
    }

    @Test func requestIdIsGeneratedOrKept() throws {
        let generated = try kernel.client.get("/healthz").header("x-request-id") ?? ""
        #expect(!generated.isEmpty)
        let kept = try kernel.client.get("/healthz", headers: ["X-Request-Id": "abc-123"]).header("x-request-id")
        #expect(kept == "abc-123")
        let unsafe = try kernel.client.get("/healthz", headers: ["X-Request-Id": "bad id <script>"]).header("x-request-id")
        #expect(unsafe != "bad id <script>")
    }

    @Test func accessLogHasOneStructuredLinePerRequest() throws {
        _ = try kernel.client.get("/healthz", headers: ["X-Request-Id": "log-check-1"])
        let lines = kernel.logs.lines.filter { $0.contains("\"request_id\":\"log-check-1\"") }
        #expect(lines.count == 1)
        let entry = try JSONParser.parse(lines[0])
        #expect(entry["msg"] == "http")
        #expect(entry["status"] == .integer(200))
        #expect(entry["route"] == "/healthz")
    }

    @Test func metricsAreValidPrometheusText() throws {
        _ = try kernel.client.get("/healthz")
        _ = try kernel.client.get("/missing")
        let response = try kernel.client.get("/metrics")
        #expect(response.status == 200)
        #expect(response.header("content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let samples = try PrometheusText.parse(response.text)
        #expect((samples["klik_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}"] ?? 0) >= 1)
        #expect((samples["klik_http_requests_total{route=\"-\",method=\"GET\",status=\"404\"}"] ?? 0) >= 1)
        #expect(samples["klik_http_requests_in_flight"] != nil)
        #expect((samples["klik_http_request_duration_seconds_count{route=\"/healthz\"}"] ?? 0) >= 1)
    }

    @Test func slowClientDoesNotHoldTheServer() throws {
        let slow = try TestConnection(port: kernel.port)
        try slow.send("GET /healthz HTTP/1.1\r\n")
        let started = Date()
        for i in 0..<3 {
            try slow.send("X-Slow-\(i): ")
            // Other clients are served at once while the slow one dribbles.
            #expect(try kernel.client.get("/healthz").status == 200)
            Thread.sleep(forTimeInterval: 0.3)
        }
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func floodOfIdleConnectionsFromOneAddressDoesNotStopOthers() throws {
        var idle: [TestConnection] = []
        for _ in 0..<300 {
            if let c = try? TestConnection(port: kernel.port, sourceAddress: "127.0.0.2") { idle.append(c) }
        }
        #expect(idle.count >= 250)
        let response = try kernel.client.get("/healthz")
        #expect(response.status == 200)
        idle.removeAll()
    }
}

/// Parses Prometheus text format 0.0.4 into `series -> value`, failing on malformed lines.
enum PrometheusText {
    struct Malformed: Error { let line: String }

    static func parse(_ text: String) throws -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("#") {
                guard line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") else { throw Malformed(line: String(line)) }
                continue
            }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                throw Malformed(line: String(line))
            }
            let series = String(line[..<space])
            guard series.first?.isLetter == true, series.filter({ $0 == "{" }).count == series.filter({ $0 == "}" }).count else {
                throw Malformed(line: String(line))
            }
            samples[series] = value
        }
        return samples
    }
}
