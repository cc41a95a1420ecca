import KlikCore

public typealias HTTPHandler = @Sendable (HTTPRequest) throws -> HTTPResponse

/// Where a request goes: a trie of path segments where literal segments win over `{param}`s.
/// Built once at start-up, then only read (safe from every worker thread).
public final class Router: Sendable {
    public struct Match: Sendable {
        public let pattern: String
        public let handler: HTTPHandler
        public let params: [String: String]
    }

    public enum Outcome: Sendable {
        case matched(Match)
        /// The path exists but not for this method; `allowed` lists the methods that do.
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    private final class Node: @unchecked Sendable {
        var literal: [String: Node] = [:]
        /// Parameter segments by literal suffix (`""` for `{id}`, `".json"` for `{code}.json`),
        /// longest suffix first. Names live with each route, so two routes may name the same
        /// position differently.
        var params: [(suffix: String, node: Node)] = []
        var handlers: [String: (pattern: String, names: [String], handler: HTTPHandler)] = [:]
    }

    private let root: Node

    private init(root: Node) { self.root = root }

    /// Collects routes, then freezes them into a `Router`.
    public struct Builder {
        private let root = Node()
        public init() {}

        /// Adds `method pattern`; pattern segments are literals, `{name}`, or `{name}` followed by a
        /// literal suffix such as `{code}.json`. A later route with the same method and pattern
        /// replaces the earlier one.
        public mutating func add(_ method: String, _ pattern: String, _ handler: @escaping HTTPHandler) {
            var node = root
            var names: [String] = []
            for segment in Router.segments(of: pattern) {
                if let (name, suffix) = Router.parameter(segment) {
                    names.append(name)
                    if let existing = node.params.first(where: { $0.suffix == suffix }) {
                        node = existing.node
                    } else {
                        let child = Node()
                        node.params.append((suffix, child))
                        node.params.sort { $0.suffix.count > $1.suffix.count }
                        node = child
                    }
                } else {
                    let child = node.literal[segment] ?? Node()
                    node.literal[segment] = child
                    node = child
                }
            }
            node.handlers[method.uppercased()] = (pattern, names, handler)
            routes.append((method.uppercased(), pattern))
        }

        /// Every route added, in order (for API descriptions).
        public private(set) var routes: [(method: String, pattern: String)] = []

        public func build() -> Router { Router(root: root) }
    }

    /// `{name}` or `{name}suffix` → (name, suffix); nil for a literal segment.
    static func parameter(_ segment: String) -> (name: String, suffix: String)? {
        guard segment.hasPrefix("{"), let close = segment.firstIndex(of: "}") else { return nil }
        let name = String(segment[segment.index(after: segment.startIndex)..<close])
        return (name, String(segment[segment.index(after: close)...]))
    }

    public func route(method: String, path: String) -> Outcome {
        var values: [String] = []
        guard let node = find(Router.segments(of: path)[...], from: root, values: &values) else { return .notFound }
        let m = method.uppercased()
        if let entry = node.handlers[m] ?? (m == "HEAD" ? node.handlers["GET"] : nil) {
            var params: [String: String] = [:]
            for (name, value) in zip(entry.names, values) { params[name] = value }
            return .matched(Match(pattern: entry.pattern, handler: entry.handler, params: params))
        }
        if node.handlers.isEmpty { return .notFound }
        var allowed = Set(node.handlers.keys)
        if allowed.contains("GET") { allowed.insert("HEAD") }
        return .methodNotAllowed(allowed: allowed.sorted())
    }

    private func find(_ segments: ArraySlice<String>, from node: Node, values: inout [String]) -> Node? {
        guard let first = segments.first else { return node }
        let rest = segments.dropFirst()
        if let child = node.literal[first], let found = find(rest, from: child, values: &values), !found.handlers.isEmpty {
            return found
        }
        for (suffix, child) in node.params where first.count > suffix.count && first.hasSuffix(suffix) {
            values.append(String(first.dropLast(suffix.count)))
            if let found = find(rest, from: child, values: &values), !found.handlers.isEmpty { return found }
            values.removeLast()
        }
        return nil
    }

    static func segments(of path: String) -> [String] {
        var result: [String] = []
        result.reserveCapacity(8)
        var start: String.UTF8View.Index? = nil
        let utf8 = path.utf8
        var i = utf8.startIndex
        while i != utf8.endIndex {
            if utf8[i] == 0x2F {
                if let s = start { result.append(String(path[s..<i])) ; start = nil }
            } else if start == nil {
                start = i
            }
            i = utf8.index(after: i)
        }
        if let s = start { result.append(String(path[s..<utf8.endIndex])) }
        return result
    }
}
