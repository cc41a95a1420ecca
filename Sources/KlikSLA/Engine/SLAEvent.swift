/// A colour change the engine fired: green→yellow (`warning`) or yellow→red (`breach`).
/// `id` is stable across re-deliveries, so receivers can drop duplicates.
public struct SLAEvent: Sendable, Equatable {
    public enum Kind: String, Sendable { case warning, breach }
    public let id: Int64
    public let kind: Kind
    /// When the transition happened (not when it was fired, which may be later after downtime).
    public let at: Int64
    public let cycle: Int64
    public let clockId: Int64
    public let plugin: String
    public let policy: String
    public let subject: String
    public let opd: String?
    public let category: String?
    public let dueAt: Int64?
    public let offset: Int

    public var colour: SLAColour { kind == .warning ? .yellow : .red }
}

/// Receives fired SLA transitions — the plugin's `on_sla_warning`/`on_sla_breach` handlers today,
/// notifications later. Called at least once per event, in the order the transitions happened;
/// a crash between the call and the engine recording it repeats the call after restart.
/// Answers a short outcome recorded with the event (`ok`, `no_handler`, `inactive`, `error`).
public protocol SLATransitionSink: Sendable {
    func deliver(_ event: SLAEvent) -> String
}
