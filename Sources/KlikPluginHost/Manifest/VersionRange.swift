import Foundation

/// A set of acceptable versions written npm-style: `^1.0`, `~1.2.3`, `>=1.0 <2.0`, `1.2.3`, `1.x`, `*`, joined by `||`.
public struct VersionRange: Sendable, CustomStringConvertible {
    /// One bound on a version; a range alternative holds when all of its comparators hold.
    struct Comparator: Sendable, Equatable {
        /// <, <=, >, >=, =.
        enum Op: Sendable { case lt, le, gt, ge, eq }
        var op: Op
        var version: SemanticVersion

        func holds(_ v: SemanticVersion) -> Bool {
            switch op {
            case .lt: v < version
            case .le: v <= version
            case .gt: v > version
            case .ge: v >= version
            case .eq: v == version
            }
        }
    }

    /// Alternatives separated by `||`; each is a conjunction of comparators (empty means any version).
    let alternatives: [[Comparator]]
    /// The text as written, trimmed.
    public let description: String

    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 256 else { return nil }
        var alternatives: [[Comparator]] = []
        for part in trimmed.components(separatedBy: "||") {
            guard let set = VersionRange.parseSet(part) else { return nil }
            alternatives.append(set)
        }
        self.alternatives = alternatives
        self.description = trimmed
    }

    /// True when `v` satisfies some alternative. As in npm, a pre-release version only matches an
    /// alternative that names a pre-release of the same `major.minor.patch`.
    public func contains(_ v: SemanticVersion) -> Bool {
        alternatives.contains { set in
            guard set.allSatisfy({ $0.holds(v) }) else { return false }
            guard v.prerelease != nil else { return true }
            return set.contains { $0.version.prerelease != nil && $0.version.release == v.release }
        }
    }

    private static func parseSet(_ text: String) -> [Comparator]? {
        // Join a bare operator with the version that follows it (">= 1.0" → ">=1.0").
        var tokens: [String] = []
        var pendingOp = ""
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) {
            if ["<", "<=", ">", ">=", "=", "^", "~"].contains(word) {
                guard pendingOp.isEmpty else { return nil }
                pendingOp = word
            } else {
                tokens.append(pendingOp + word)
                pendingOp = ""
            }
        }
        guard pendingOp.isEmpty, !tokens.isEmpty else { return nil }
        var set: [Comparator] = []
        for token in tokens {
            guard let comparators = parseComparator(token) else { return nil }
            set += comparators
        }
        return set
    }

    /// A version with missing or wildcard parts: `1`, `1.2`, `1.x`, `1.2.3-rc.1`, `*`.
    struct Partial {
        var major: Int?, minor: Int?, patch: Int?
        var prerelease: String?

        init?(_ text: Substring) {
            if text == "*" || text == "x" || text == "X" { return }
            var core = text
            if let dash = text.firstIndex(of: "-") {
                guard let full = SemanticVersion(String(text)) else { return nil }
                prerelease = full.prerelease
                core = text[..<dash]
            }
            let parts = core.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...3).contains(parts.count) else { return nil }
            var numbers: [Int?] = []
            for p in parts {
                if p == "x" || p == "X" || p == "*" { numbers.append(nil); continue }
                guard numbers.allSatisfy({ $0 != nil }), let n = SemanticVersion.number(p) else { return nil }
                numbers.append(n)
            }
            major = numbers[0]
            minor = numbers.count > 1 ? numbers[1] : nil
            patch = numbers.count > 2 ? numbers[2] : nil
            if prerelease != nil && patch == nil { return nil }
        }

        var floor: SemanticVersion { SemanticVersion(major: major ?? 0, minor: minor ?? 0, patch: patch ?? 0, prerelease: prerelease) }
        /// The first version above every version this partial names (nil when unbounded or exact).
        var ceiling: SemanticVersion? {
            guard let major else { return nil }
            guard let minor else { return SemanticVersion(major: major + 1, minor: 0, patch: 0) }
            guard patch != nil else { return SemanticVersion(major: major, minor: minor + 1, patch: 0) }
            return nil
        }
    }

    private static func parseComparator(_ token: String) -> [Comparator]? {
        let ops = [">=", "<=", ">", "<", "=", "^", "~"]
        let op = ops.first { token.hasPrefix($0) } ?? ""
        let rest = token.dropFirst(op.count)
        guard let p = Partial(rest) else { return nil }
        let floor = p.floor
        switch op {
        case "^":
            guard let major = p.major else { return [] }
            let ceiling: SemanticVersion
            if major > 0 || p.minor == nil {
                ceiling = SemanticVersion(major: major + 1, minor: 0, patch: 0)
            } else if p.minor! > 0 || p.patch == nil {
                ceiling = SemanticVersion(major: 0, minor: p.minor! + 1, patch: 0)
            } else {
                ceiling = SemanticVersion(major: 0, minor: 0, patch: p.patch! + 1)
            }
            return [Comparator(op: .ge, version: floor), Comparator(op: .lt, version: ceiling)]
        case "~":
            guard let major = p.major else { return [] }
            let ceiling = p.minor.map { SemanticVersion(major: major, minor: $0 + 1, patch: 0) }
                ?? SemanticVersion(major: major + 1, minor: 0, patch: 0)
            return [Comparator(op: .ge, version: floor), Comparator(op: .lt, version: ceiling)]
        case ">=":
            return [Comparator(op: .ge, version: floor)]
        case ">":
            guard p.major != nil else { return [Comparator(op: .lt, version: SemanticVersion(major: 0, minor: 0, patch: 0))] }
            if let ceiling = p.ceiling { return [Comparator(op: .ge, version: ceiling)] }
            return [Comparator(op: .gt, version: floor)]
        case "<=":
            if let ceiling = p.ceiling { return [Comparator(op: .lt, version: ceiling)] }
            return p.major == nil ? [] : [Comparator(op: .le, version: floor)]
        case "<":
            guard p.major != nil else { return [Comparator(op: .lt, version: SemanticVersion(major: 0, minor: 0, patch: 0))] }
            return [Comparator(op: .lt, version: floor)]
        default: // "=" or none: exact version or X-range
            guard p.major != nil else { return [] }
            if let ceiling = p.ceiling { return [Comparator(op: .ge, version: floor), Comparator(op: .lt, version: ceiling)] }
            return [Comparator(op: .eq, version: floor)]
        }
    }
}
