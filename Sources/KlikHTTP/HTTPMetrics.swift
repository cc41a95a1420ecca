import Foundation
import Synchronization

/// Request counters by route and status, a latency histogram by route, and the number of requests
/// in flight; rendered in the Prometheus text exposition format.
public final class HTTPMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    public static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    private struct CounterKey: Hashable { let route: String; let method: String; let status: Int }
    private struct Histogram {
        var counts = [UInt64](repeating: 0, count: HTTPMetrics.buckets.count)
        var total: UInt64 = 0
        var sum: Double = 0
    }
    private struct State {
        var requests: [CounterKey: UInt64] = [:]
        var latency: [String: Histogram] = [:]
    }

    private let state = Mutex(State())
    private let inFlightCount = Atomic<Int>(0)

    public init() {}

    public func requestStarted() { inFlightCount.add(1, ordering: .relaxed) }
    public func requestFinished() { inFlightCount.subtract(1, ordering: .relaxed) }
    public var inFlight: Int { inFlightCount.load(ordering: .relaxed) }

    public func record(route: String, method: String, status: Int, seconds: Double) {
        let bucket = HTTPMetrics.buckets.firstIndex { seconds <= $0 }
        state.withLock { s in
            s.requests[CounterKey(route: route, method: method, status: status), default: 0] += 1
            // Mutated in place: copying the histogram out and back would copy its array every request.
            if s.latency[route] == nil { s.latency[route] = Histogram() }
            if let bucket { s.latency[route]!.counts[bucket] += 1 }
            s.latency[route]!.total += 1
            s.latency[route]!.sum += seconds
        }
    }

    /// Prometheus text format 0.0.4. `extra` lines (other kernel metrics) are appended as given.
    public func render(extra: String = "") -> String {
        let snapshot = state.withLock { $0 }
        var out = "# HELP klik_http_requests_total HTTP requests by route, method and status.\n"
        out += "# TYPE klik_http_requests_total counter\n"
        for (key, count) in snapshot.requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            out += "klik_http_requests_total{route=\(label(key.route)),method=\(label(key.method)),status=\"\(key.status)\"} \(count)\n"
        }
        out += "# HELP klik_http_request_duration_seconds Time from request start to response queued.\n"
        out += "# TYPE klik_http_request_duration_seconds histogram\n"
        for (route, h) in snapshot.latency.sorted(by: { $0.key < $1.key }) {
            var cumulative: UInt64 = 0
            for (i, bound) in HTTPMetrics.buckets.enumerated() {
                cumulative += h.counts[i]
                out += "klik_http_request_duration_seconds_bucket{route=\(label(route)),le=\"\(bound)\"} \(cumulative)\n"
            }
            out += "klik_http_request_duration_seconds_bucket{route=\(label(route)),le=\"+Inf\"} \(h.total)\n"
            out += "klik_http_request_duration_seconds_sum{route=\(label(route))} \(String(format: "%.6f", h.sum))\n"
            out += "klik_http_request_duration_seconds_count{route=\(label(route))} \(h.total)\n"
        }
        out += "# HELP klik_http_requests_in_flight Requests being handled now.\n"
        out += "# TYPE klik_http_requests_in_flight gauge\n"
        out += "klik_http_requests_in_flight \(inFlight)\n"
        out += extra
        return out
    }

    private func label(_ value: String) -> String {
        var out = "\""
        for c in value {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out + "\""
    }
}
