/// A Semantic Versioning 2.0.0 version (`1.4.2`, `2.0.0-beta.1`); build metadata is accepted and ignored.
public struct SemanticVersion: Sendable, Comparable, Hashable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int
    /// Dot-separated pre-release identifiers without the leading '-', or nil for a release.
    public var prerelease: String?

    public init(major: Int, minor: Int, patch: Int, prerelease: String? = nil) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
    }

    /// Parses `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]` strictly: no leading zeros, no 'v' prefix.
    public init?(_ text: String) {
        var core = Substring(text)
        if let plus = core.firstIndex(of: "+") {
            let build = core[core.index(after: plus)...]
            guard SemanticVersion.validIdentifiers(build, numericStrict: false) else { return nil }
            core = core[..<plus]
        }
        var pre: String?
        if let dash = core.firstIndex(of: "-") {
            let p = core[core.index(after: dash)...]
            guard SemanticVersion.validIdentifiers(p, numericStrict: true) else { return nil }
            pre = String(p)
            core = core[..<dash]
        }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let a = SemanticVersion.number(parts[0]),
              let b = SemanticVersion.number(parts[1]),
              let c = SemanticVersion.number(parts[2]) else { return nil }
        self.init(major: a, minor: b, patch: c, prerelease: pre)
    }

    public var description: String {
        "\(major).\(minor).\(patch)" + (prerelease.map { "-\($0)" } ?? "")
    }

    /// The same version without its pre-release part.
    var release: SemanticVersion { SemanticVersion(major: major, minor: minor, patch: patch) }

    public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        if lhs.major != rhs.major { return lhs.major < rhs.major }
        if lhs.minor != rhs.minor { return lhs.minor < rhs.minor }
        if lhs.patch != rhs.patch { return lhs.patch < rhs.patch }
        switch (lhs.prerelease, rhs.prerelease) {
        case (nil, nil), (nil, _): return false
        case (_, nil): return true
        case (let l?, let r?): return comparePrerelease(l, r) < 0
        }
    }

    /// Semver §11: identifiers compared left to right; numeric ones numerically and below alphanumeric ones.
    static func comparePrerelease(_ l: String, _ r: String) -> Int {
        let a = l.split(separator: "."), b = r.split(separator: ".")
        for (x, y) in zip(a, b) where x != y {
            switch (Int(x), Int(y)) {
            case (let i?, let j?): return i < j ? -1 : 1
            case (.some, nil): return -1
            case (nil, .some): return 1
            case (nil, nil): return x < y ? -1 : 1
            }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// A non-negative decimal without leading zeros, small enough for `Int`.
    static func number(_ s: Substring) -> Int? {
        guard !s.isEmpty, s.count <= 9, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if s.count > 1 && s.first == "0" { return nil }
        return Int(s)
    }

    private static func validIdentifiers(_ s: Substring, numericStrict: Bool) -> Bool {
        let ids = s.split(separator: ".", omittingEmptySubsequences: false)
        return ids.allSatisfy { id in
            guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return false }
            if numericStrict, id.allSatisfy({ $0.isNumber }), id.count > 1, id.first == "0" { return false }
            return true
        }
    }
}
