import KlikStorage

/// The auth tables; `KernelMigrations` appends these to its list (append-only, like theirs).
public enum AuthSchema {
    public static let migrations: [Migration] = [
        Migration("0004-auth", """
            CREATE TABLE klik_users (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                email TEXT UNIQUE,
                phone TEXT UNIQUE,
                password_hash TEXT NOT NULL,
                roles TEXT NOT NULL,
                kecamatan TEXT,
                desa TEXT,
                disabled INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL);
            CREATE TABLE klik_opd (
                code TEXT PRIMARY KEY,
                name_id TEXT NOT NULL,
                name_en TEXT NOT NULL,
                created_at TEXT NOT NULL);
            CREATE TABLE klik_opd_members (
                opd_code TEXT NOT NULL REFERENCES klik_opd (code) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES klik_users (id) ON DELETE CASCADE,
                PRIMARY KEY (opd_code, user_id));
            CREATE INDEX klik_opd_members_user ON klik_opd_members (user_id);
            CREATE TABLE klik_sessions (
                digest TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES klik_users (id) ON DELETE CASCADE,
                csrf_digest TEXT NOT NULL,
                created_at REAL NOT NULL,
                last_seen_at REAL NOT NULL,
                expires_at REAL NOT NULL,
                revoked_at REAL,
                address TEXT NOT NULL DEFAULT '');
            CREATE INDEX klik_sessions_user ON klik_sessions (user_id);
            CREATE TABLE klik_api_keys (
                id TEXT PRIMARY KEY,
                digest TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                scopes TEXT NOT NULL DEFAULT '',
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                last_used_at TEXT,
                revoked_at TEXT);
            """),
    ]
}
