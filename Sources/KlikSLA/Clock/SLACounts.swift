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
        let key = grouping == .colour ? "c" : grouping.rawValue
        var conditions = ["state <> 'cancelled'"]
        var params: [SQLValue] = [.integer(now)]
        for (column, value) in [("plugin", plugin), ("policy", filter.policy), ("opd", filter.opd), ("category", filter.category)] {
            if let value { conditions.append("\(column) = ?\(params.count + 1)"); params.append(.text(value)) }
        }
        let sql = """
            SELECT \(key) AS k, count(*), sum(c = 'green'), sum(c = 'yellow'), sum(c = 'red'), sum(met_late), sum(state IN ('running', 'paused'))
            FROM (SELECT opd, category, met_late, state, \(SLAClocks.colourSQL) AS c FROM klik_sla_clocks WHERE \(conditions.joined(separator: " AND ")))
            GROUP BY k ORDER BY k
            """
        let body = { (c: Connection) throws -> [SLACountGroup] in
            try c.query(sql, params).map { r in
                SLACountGroup(key: r[0].string, total: Int(r[1].int64 ?? 0), green: Int(r[2].int64 ?? 0), yellow: Int(r[3].int64 ?? 0),
                              red: Int(r[4].int64 ?? 0), metLate: Int(r[5].int64 ?? 0), open: Int(r[6].int64 ?? 0))
            }
        }
        return try connection.map(body) ?? database.read(body)
    }
}
