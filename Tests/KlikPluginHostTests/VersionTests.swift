import Testing
@testable import KlikPluginHost

@Suite struct SemanticVersionTests {
    @Test func parsesStrictSemver() throws {
        let v = try #require(SemanticVersion("1.22.3-beta.1+build.5"))
        #expect(v.major == 1 && v.minor == 22 && v.patch == 3)
        #expect(v.prerelease == "beta.1")
        #expect(v.description == "1.22.3-beta.1")
        for bad in ["1.0", "1", "01.0.0", "1.0.0-", "1.0.0-01", "v1.0.0", "1.0.0.0", "", "a.b.c", "1.0.0-be ta", "-1.0.0"] {
            #expect(SemanticVersion(bad) == nil, "\(bad)")
        }
    }

    @Test func ordersByPrecedence() throws {
        let chain = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                     "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0", "10.0.0"]
        let versions = chain.compactMap(SemanticVersion.init)
        #expect(versions.count == chain.count)
        for (a, b) in zip(versions, versions.dropFirst()) { #expect(a < b, "\(a) < \(b)") }
        #expect(SemanticVersion("1.0.0+a") == SemanticVersion("1.0.0+b"))
    }
}

@Suite struct VersionRangeTests {
    func check(_ range: String, accepts: [String], refuses: [String]) throws {
        let r = try #require(VersionRange(range), "\(range)")
        for v in accepts { #expect(r.contains(SemanticVersion(v)!), "\(range) should contain \(v)") }
        for v in refuses { #expect(!r.contains(SemanticVersion(v)!), "\(range) should not contain \(v)") }
    }

    @Test func caret() throws {
        try check("^1.0", accepts: ["1.0.0", "1.9.9"], refuses: ["0.9.0", "2.0.0", "2.0.0-alpha", "1.5.0-beta"])
        try check("^1.2.3", accepts: ["1.2.3", "1.3.0"], refuses: ["1.2.2", "2.0.0"])
        try check("^0.2.3", accepts: ["0.2.3", "0.2.9"], refuses: ["0.3.0", "0.2.2"])
        try check("^0.0.3", accepts: ["0.0.3"], refuses: ["0.0.4", "0.0.2"])
        try check("^0.0", accepts: ["0.0.7"], refuses: ["0.1.0"])
        try check("^1", accepts: ["1.4.0"], refuses: ["2.0.0"])
        try check("^1.2.3-beta.2", accepts: ["1.2.3-beta.3", "1.2.3", "1.9.0"], refuses: ["1.2.3-beta.1", "1.3.0-beta.5"])
    }

    @Test func tildeAndXRanges() throws {
        try check("~1.2.3", accepts: ["1.2.3", "1.2.9"], refuses: ["1.3.0", "1.2.2"])
        try check("~1.2", accepts: ["1.2.0"], refuses: ["1.3.0"])
        try check("~1", accepts: ["1.9.0"], refuses: ["2.0.0"])
        try check("1.x", accepts: ["1.0.0", "1.7.2"], refuses: ["2.0.0", "0.9.9"])
        try check("1.2.x", accepts: ["1.2.5"], refuses: ["1.3.0"])
        try check("1.2", accepts: ["1.2.5"], refuses: ["1.3.0"])
        try check("*", accepts: ["0.0.1", "99.0.0"], refuses: ["1.0.0-rc.1"])
        try check("1.2.3", accepts: ["1.2.3"], refuses: ["1.2.4", "1.2.3-rc.1"])
    }

    @Test func comparatorsAndUnions() throws {
        try check(">=1.0 <2.0", accepts: ["1.0.0", "1.99.0"], refuses: ["2.0.0", "0.9.0"])
        try check(">= 1.0.0 < 2.0.0", accepts: ["1.5.0"], refuses: ["2.0.0"])
        try check(">1.2", accepts: ["1.3.0"], refuses: ["1.2.9"])
        try check(">1.2.3", accepts: ["1.2.4"], refuses: ["1.2.3"])
        try check("<=1.2", accepts: ["1.2.9"], refuses: ["1.3.0"])
        try check("<1.2", accepts: ["1.1.9"], refuses: ["1.2.0"])
        try check("=1.2.3", accepts: ["1.2.3"], refuses: ["1.2.4"])
        try check("^1.0 || ^3.0", accepts: ["1.1.0", "3.2.0"], refuses: ["2.0.0"])
        #expect(VersionRange(" ^1.0 ")?.description == "^1.0")
    }

    @Test func refusesMalformedRanges() {
        for bad in ["", "abc", "^", ">=", "1.2.3.4", "^1.x.3", "1.0 ||", "01.0", ">=1.0 <", "~>1.0", "1.0.0-"] {
            #expect(VersionRange(bad) == nil, "\(bad)")
        }
    }
}
