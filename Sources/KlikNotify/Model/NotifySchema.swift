import KlikStorage

/// The notification tables; `KernelMigrations` appends these (append-only).
public enum NotifySchema {
    public static let migrations: [Migration] = [
        Migration("0020-notify", """
            CREATE TABLE klik_notifications (
                id INTEGER PRIMARY KEY,
                plugin TEXT NOT NULL,
                target TEXT NOT NULL,
                title_id TEXT NOT NULL, title_en TEXT NOT NULL,
                body_id TEXT NOT NULL, body_en TEXT NOT NULL,
                link TEXT,
                data TEXT NOT NULL DEFAULT '{}',
                created_at REAL NOT NULL);
            CREATE TABLE klik_inbox (
                id INTEGER PRIMARY KEY,
                notification_id INTEGER NOT NULL REFERENCES klik_notifications (id) ON DELETE CASCADE,
                user_id TEXT NOT NULL,
                created_at REAL NOT NULL,
                read_at REAL,
                UNIQUE (notification_id, user_id));
            CREATE INDEX klik_inbox_user ON klik_inbox (user_id, id);
            CREATE INDEX klik_inbox_unread ON klik_inbox (user_id, id) WHERE read_at IS NULL;
            CREATE TABLE klik_channels (
                id TEXT PRIMARY KEY,
                owner_kind TEXT NOT NULL CHECK (owner_kind IN ('user', 'opd')),
                owner TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('webhook', 'email')),
                target TEXT NOT NULL,
                secret TEXT NOT NULL DEFAULT '',
                created_at REAL NOT NULL);
            CREATE INDEX klik_channels_owner ON klik_channels (owner_kind, owner);
            CREATE TABLE klik_deliveries (
                id INTEGER PRIMARY KEY,
                notification_id INTEGER NOT NULL REFERENCES klik_notifications (id) ON DELETE CASCADE,
                channel_id TEXT NOT NULL,
                idempotency_key TEXT NOT NULL UNIQUE,
                state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'dead')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_at REAL NOT NULL,
                last_error TEXT NOT NULL DEFAULT '',
                updated_at REAL NOT NULL,
                UNIQUE (notification_id, channel_id));
            CREATE INDEX klik_deliveries_due ON klik_deliveries (state, next_at);
            """),
    ]
}
