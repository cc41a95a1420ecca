import KlikCore

/// Cross-plugin checks over individually valid manifests, and the order to load them in (dependencies first).
public enum PluginSet {
    /// This kernel's plugin API as a version (`KlikVersion.pluginAPI` 1.0 → 1.0.0).
    public static var pluginAPIVersion: SemanticVersion {
        SemanticVersion(major: KlikVersion.pluginAPI.major, minor: KlikVersion.pluginAPI.minor, patch: 0)
    }

    /// Cross-plugin checks over manifests that individually validated: duplicate ids, missing dependencies, dependency
    /// version not in range, dependency cycles (named "a -> b -> a"), kernel range excluding this kernel's plugin API.
    /// Answers the manifests in dependency order (dependencies first, otherwise input order) and the failures per id;
    /// a plugin whose dependency failed fails too ("$.depends.x: dependency x failed to load").
    public static func order(_ manifests: [PluginManifest]) -> (ordered: [PluginManifest], failures: [String: [ManifestViolation]]) {
        var failures: [String: [ManifestViolation]] = [:]
        func fail(_ id: String, _ path: String, _ message: String) {
            failures[id, default: []].append(ManifestViolation(path: path, message: message))
        }
        let counts = Dictionary(manifests.map { ($0.id, 1) }, uniquingKeysWith: +)
        var byID: [String: PluginManifest] = [:]
        var ids: [String] = []
        for m in manifests where byID[m.id] == nil {
            byID[m.id] = m
            ids.append(m.id)
        }
        for id in ids where counts[id]! > 1 {
            fail(id, "$.id", "duplicate plugin id \(id) (\(counts[id]!) manifests)")
        }
        let api = pluginAPIVersion
        for id in ids {
            let m = byID[id]!
            if !m.kernel.contains(api) {
                fail(id, "$.kernel", "range \(m.kernel) excludes this kernel's plugin API \(api)")
            }
            for dep in m.depends.keys.sorted() {
                let range = m.depends[dep]!
                let path = JSONPath.key("$.depends", dep)
                guard let target = byID[dep] else { fail(id, path, "requires plugin \(dep), which is not installed"); continue }
                if !range.contains(target.version) {
                    fail(id, path, "requires \(dep) \(range), found \(target.version)")
                }
            }
        }
        let graph = ids.reduce(into: [String: [String]]()) { g, id in
            g[id] = byID[id]!.depends.keys.sorted().filter { byID[$0] != nil }
        }
        for (id, cycle) in DependencyCycles.find(in: graph, order: ids) {
            fail(id, JSONPath.key("$.depends", cycle[1]), "dependency cycle " + cycle.joined(separator: " -> "))
        }

        // Depth-first, dependencies first. Only plugins not yet failed are visited, so cycle members never are.
        var ordered: [PluginManifest] = []
        var visited: Set<String> = []
        func noteFailedDependencies(of id: String) {
            for dep in graph[id]! where failures[dep] != nil {
                let path = JSONPath.key("$.depends", dep)
                if !(failures[id]?.contains { $0.path == path } ?? false) { fail(id, path, "dependency \(dep) failed to load") }
            }
        }
        func visit(_ id: String) {
            guard visited.insert(id).inserted else { return }
            for dep in graph[id]! where failures[dep] == nil { visit(dep) }
            noteFailedDependencies(of: id)
            if failures[id] == nil { ordered.append(byID[id]!) }
        }
        for id in ids where failures[id] == nil { visit(id) }
        // Plugins that failed on their own still get failed dependencies named, for a complete report.
        for id in ids where !visited.contains(id) { noteFailedDependencies(of: id) }
        return (ordered, failures)
    }
}

/// Finds dependency cycles: for each plugin on a cycle, the shortest cycle through it, e.g. ["a", "b", "a"].
enum DependencyCycles {
    static func find(in graph: [String: [String]], order: [String]) -> [(String, [String])] {
        var found: [(String, [String])] = []
        for start in order {
            // Breadth-first search from start's dependencies back to start.
            var previous: [String: String] = [:]
            var queue = graph[start] ?? []
            for n in queue { previous[n] = start }
            var head = 0
            var reached = false
            while head < queue.count {
                let node = queue[head]
                head += 1
                if node == start { reached = true; break }
                for next in graph[node] ?? [] where previous[next] == nil {
                    previous[next] = node
                    queue.append(next)
                }
            }
            guard reached else { continue }
            var path = [start]
            var node = previous[start]!
            while node != start {
                path.append(node)
                node = previous[node]!
            }
            found.append((start, [start] + path.dropFirst().reversed() + [start]))
        }
        return found
    }
}
