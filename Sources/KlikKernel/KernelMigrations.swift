import KlikStorage

/// The kernel's own schema, append-only. Plugins' collections get their own scopes.
enum KernelMigrations {
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
    ]

    static var migrator: Migrator { Migrator(scope: "kernel", migrations: all) }
}
