/// Text a user sees, in Bahasa Indonesia (`id`, first) and English (`en`). Used by manifests,
/// notifications and calendars alike.
public struct LocalizedText: Sendable, Equatable, Hashable {
    /// Bahasa Indonesia.
    public var id: String
    /// English.
    public var en: String

    public init(id: String, en: String) {
        self.id = id
        self.en = en
    }

    /// `{"id": ..., "en": ...}`.
    public var json: JSONValue { ["id": .string(id), "en": .string(en)] }
}
