import KlikCore
import Testing
@testable import KlikPluginHost

@Suite struct PluginSetTests {
    func plugin(_ id: String, _ version: String = "1.0.0", kernel: String = "^1.0", depends: [String: String] = [:]) -> PluginManifest {
        PluginManifest(
            id: id, version: SemanticVersion(version)!, kernel: VersionRange(kernel)!,
            name: LocalizedText(id: id, en: id), description: LocalizedText(id: id, en: id),
            permissions: [], routes: [], menu: nil, settings: nil, collections: [],
            depends: depends.mapValues { VersionRange($0)! }, events: EventsSpec(), limits: LimitsSpec(),
            raw: ["id": .string(id)])
    }

    func describe(_ failures: [String: [ManifestViolation]]) -> [String: [String]] { failures.mapValues { $0.map(\.description) } }

    @Test func ordersDependenciesFirstAndKeepsInputOrderOtherwise() {
        let result = PluginSet.order([
            plugin("zakat", depends: ["auth": "^1.0", "notify": "~1.2"]),
            plugin("pajak"),
            plugin("notify", "1.2.5", depends: ["auth": ">=1.0 <2.0"]),
            plugin("auth", "1.4.0"),
        ])
        #expect(result.ordered.map(\.id) == ["auth", "notify", "zakat", "pajak"])
        #expect(result.failures.isEmpty)
    }

    @Test func missingAndOutOfRangeDependenciesFailAndPropagate() {
        let result = PluginSet.order([
            plugin("a", depends: ["ghost": "^1.0"]),
            plugin("b", "1.0.0"),
            plugin("c", depends: ["b": "^2.0"]),
            plugin("d", depends: ["c": "*"]),
            plugin("e", depends: ["b": "^1.0"]),
        ])
        #expect(result.ordered.map(\.id) == ["b", "e"])
        #expect(describe(result.failures) == [
            "a": ["$.depends.ghost: requires plugin ghost, which is not installed"],
            "c": ["$.depends.b: requires b ^2.0, found 1.0.0"],
            "d": ["$.depends.c: dependency c failed to load"],
        ])
    }

    @Test func cyclesAreNamed() {
        let result = PluginSet.order([
            plugin("a", depends: ["b": "*"]),
            plugin("b", depends: ["c": "*"]),
            plugin("c", depends: ["a": "*"]),
            plugin("self", depends: ["self": "*"]),
            plugin("user", depends: ["b": "*"]),
            plugin("free"),
        ])
        #expect(result.ordered.map(\.id) == ["free"])
        #expect(describe(result.failures) == [
            "a": ["$.depends.b: dependency cycle a -> b -> c -> a"],
            "b": ["$.depends.c: dependency cycle b -> c -> a -> b"],
            "c": ["$.depends.a: dependency cycle c -> a -> b -> c"],
            "self": ["$.depends.self: dependency cycle self -> self"],
            "user": ["$.depends.b: dependency b failed to load"],
        ])
    }

    @Test func duplicateIdsFailTogetherWithTheirDependents() {
        let result = PluginSet.order([plugin("a"), plugin("a", "2.0.0"), plugin("b", depends: ["a": "*"])])
        #expect(result.ordered.isEmpty)
        #expect(describe(result.failures) == [
            "a": ["$.id: duplicate plugin id a (2 manifests)"],
            "b": ["$.depends.a: dependency a failed to load"],
        ])
    }

    @Test func kernelRangeMustIncludeThisPluginAPI() {
        #expect(PluginSet.pluginAPIVersion == SemanticVersion("\(KlikVersion.pluginAPI.major).\(KlikVersion.pluginAPI.minor).0"))
        let result = PluginSet.order([
            plugin("new", kernel: "^2.0"),
            plugin("ok", kernel: "^1.0"),
            plugin("ok2", kernel: ">=1.0 <2.0"),
            plugin("old", kernel: "<1.0"),
            plugin("dep", depends: ["new": "*"]),
        ])
        #expect(result.ordered.map(\.id) == ["ok", "ok2"])
        #expect(describe(result.failures) == [
            "new": ["$.kernel: range ^2.0 excludes this kernel's plugin API 1.0.0"],
            "old": ["$.kernel: range <1.0 excludes this kernel's plugin API 1.0.0"],
            "dep": ["$.depends.new: dependency new failed to load"],
        ])
    }
}
