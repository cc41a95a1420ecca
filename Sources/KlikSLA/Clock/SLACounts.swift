import KlikStorage

/// Scorecard counts of clocks grouped by OPD, category or colour (cancelled clocks are left out).
public struct SLACountGroup: Sendable, Equatable {
    public var key: String?
    public var total = 0
    public var green = 0
    public var yellow = 0
    public var red = 0
    /// Completed after their due time (counted green, kept as a miss for the weekly review).
    public var metLate = 0
    /// Still running or paused.
    public var open = 0
}

public enum SLAGrouping: String, Sendable { case opd, category, colour }

/// Optional filters for `counts`.
public struct SLACountFilter: Sendable {
    public var policy: String?
    public var opd: String?
    public var category: String?
    public init(policy: String? = nil, opd: String? = nil, category: String? = nil) {
        self.policy = policy
        self.opd = opd
        self.category = category
    }
}

extension SLAClocks {
    /// The colour SQL computes the same way as `ClockRecord.colour(at:)`; `?1` is now.
    static let colourSQL = """
        CASE state WHEN 'running' THEN (CASE WHEN due_at <= ?1 THEN 'red' WHEN warn_at <= ?1 THEN 'yellow' ELSE 'green' END)
        WHEN 'completed' THEN 'green' ELSE colour END
        """

    /// Counts of one plugin's clocks (all plugins' when `plugin` is nil), grouped.
    public func counts(plugin: String?, by grouping: SLAGrouping, filter: SLACountFilter = .init(), now: Int64,
                       on connection: Connection? = nil) throws -> [SLACountGroup] {
        var conditions = ["state <> 'cancelled'"]
        var params: [SQLValue] = [.integer(now)]
        for (column, value) in [("plugin", plugin), ("policy", filter.policy), ("opd", filter.opd), ("category", filter.category)] {
            if let value { conditions.append("\(column) = ?\(params.count + 1)"); params.append(.text(value)) }
        }
        // Streams the rows and groups in Swift: memory stays bounded by the number of groups
        // (SQLite's GROUP BY would sort every row in memory first).
        let sql = """
            SELECT \(grouping == .colour ? "NULL" : grouping.rawValue), \(SLAClocks.colourSQL), met_late, state IN ('running', 'paused')
            FROM klik_sla_clocks WHERE \(conditions.joined(separator: " AND "))
            """
        let body = { (c: Connection) throws -> [SLACountGroup] in
            var groups: [String?: SLACountGroup] = [:]
            try c.forEach(sql, params) { r in
                let colour = r[1].string ?? "green"
                let key = grouping == .colour ? colour : r[0].string
                var g = groups[key] ?? SLACountGroup(key: key)
                g.total += 1
                switch colour {
                case "red": g.red += 1
                case "yellow": g.yellow += 1
                default: g.green += 1
                }
                if r[2].int64 == 1 { g.metLate += 1 }
                if r[3].int64 == 1 { g.open += 1 }
                groups[key] = g
                return true
            }
            return groups.values.sorted { ($0.key ?? "") < ($1.key ?? "") }
        }
        return try connection.map(body) ?? database.read(body)
    }
}
