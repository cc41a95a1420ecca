/// Regular-expression helpers for schema `pattern` (an unanchored search) and whole-string checks.
/// Patterns are compiled per call: `Regex` is not `Sendable`, and manifests are validated rarely.
enum Patterns {
    /// True/false for a match, nil when the pattern does not compile.
    static func search(_ pattern: String, in text: String) -> Bool? {
        guard let regex = try? Regex(pattern) else { return nil }
        return text.firstMatch(of: regex) != nil
    }

    /// True when the whole of `text` matches `pattern` (which must compile).
    static func whole(_ pattern: String, _ text: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return false }
        return text.wholeMatch(of: regex) != nil
    }

    static func compiles(_ pattern: String) -> Bool { (try? Regex(pattern)) != nil }
}
