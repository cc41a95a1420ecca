import KlikAuth
import KlikFiles
import KlikNotify
import KlikSLA
import KlikStorage

/// The kernel's own schema, append-only. Plugins' collections get their own scopes.
public enum KernelMigrations {
    static let all: [Migration] = [
        Migration("0001-meta", """
            CREATE TABLE klik_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            """),
        Migration("0002-plugin-state", """
            CREATE TABLE klik_plugin_state (
                id TEXT PRIMARY KEY,
                enabled INTEGER NOT NULL DEFAULT 1,
                settings TEXT NOT NULL DEFAULT '{}',
                updated_at TEXT NOT NULL);
            """),
        Migration("0003-plugin-status-and-audit", """
            ALTER TABLE klik_plugin_state ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE klik_plugin_state ADD COLUMN loaded_revision INTEGER NOT NULL DEFAULT -1;
            ALTER TABLE klik_plugin_state ADD COLUMN status TEXT NOT NULL DEFAULT 'unknown';
            ALTER TABLE klik_plugin_state ADD COLUMN error TEXT NOT NULL DEFAULT '';
            ALTER TABLE klik_plugin_state ADD COLUMN version TEXT NOT NULL DEFAULT '';
            CREATE TABLE klik_audit (
                id INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT NOT NULL DEFAULT '',
                detail TEXT NOT NULL DEFAULT '{}',
                address TEXT NOT NULL DEFAULT '');
            CREATE INDEX klik_audit_at ON klik_audit (at);
            CREATE INDEX klik_audit_actor ON klik_audit (actor, at);
            """),
    ] + AuthSchema.migrations + NotifySchema.migrations + [
        Migration("0030-sla-calendars", SLASchema.calendars),
        Migration("0031-sla-holidays-2026", HolidaySeed2026.sql),
        Migration("0032-sla-clocks", SLASchema.clocks),
        Migration("0033-schedule-jobs", SLASchema.schedule),
        Migration("0040-files", FileSchema.files),
    ]

    static var migrator: Migrator { Migrator(scope: "kernel", migrations: all) }

    /// Brings a database to the kernel's current schema (the server does this at start).
    public static func apply(to database: Database) throws { try migrator.apply(to: database) }
}
