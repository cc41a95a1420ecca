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
        var param: (name: String, node: Node)?
        var handlers: [String: (pattern: String, handler: HTTPHandler)] = [:]
    }

    private let root: Node

    private init(root: Node) { self.root = root }

    /// Collects routes, then freezes them into a `Router`.
    public struct Builder {
        private let root = Node()
        /// Every `(method, pattern)` added, in order (for API descriptions).
        public private(set) var routes: [(method: String, pattern: String)] = []
        public init() {}

        /// Adds `method pattern`; pattern segments are literals or `{name}`.
        /// A conflicting parameter name at the same place is a programming error.
        public mutating func add(_ method: String, _ pattern: String, _ handler: @escaping HTTPHandler) {
            routes.append((method.uppercased(), pattern))
            var node = root
            for segment in Router.segments(of: pattern) {
                if segment.hasPrefix("{") && segment.hasSuffix("}") {
                    let name = String(segment.dropFirst().dropLast())
                    if let existing = node.param {
                        precondition(existing.name == name, "route \(pattern): parameter {\(name)} conflicts with {\(existing.name)}")
                        node = existing.node
                    } else {
                        let child = Node()
                        node.param = (name, child)
                        node = child
                    }
                } else {
                    let child = node.literal[segment] ?? Node()
                    node.literal[segment] = child
                    node = child
                }
            }
            node.handlers[method.uppercased()] = (pattern, handler)
        }

        public func build() -> Router { Router(root: root) }
    }

    public func route(method: String, path: String) -> Outcome {
        var params: [String: String] = [:]
        guard let node = find(Router.segments(of: path)[...], from: root, params: &params) else { return .notFound }
        let m = method.uppercased()
        if let entry = node.handlers[m] ?? (m == "HEAD" ? node.handlers["GET"] : nil) {
            return .matched(Match(pattern: entry.pattern, handler: entry.handler, params: params))
        }
        if node.handlers.isEmpty { return .notFound }
        var allowed = Set(node.handlers.keys)
        if allowed.contains("GET") { allowed.insert("HEAD") }
        return .methodNotAllowed(allowed: allowed.sorted())
    }

    private func find(_ segments: ArraySlice<String>, from node: Node, params: inout [String: String]) -> Node? {
        guard let first = segments.first else { return node }
        let rest = segments.dropFirst()
        if let child = node.literal[first], let found = find(rest, from: child, params: &params), !found.handlers.isEmpty {
            return found
        }
        if let (name, child) = node.param, !first.isEmpty {
            var attempt = params
            attempt[name] = first
            if let found = find(rest, from: child, params: &attempt), !found.handlers.isEmpty {
                params = attempt
                return found
            }
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
