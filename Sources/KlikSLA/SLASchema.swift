/// SQL of the SLA and schedule tables; the kernel appends these to its migrations (in order).
public enum SLASchema {
    /// Calendars (one `default`, WIB, Monday–Friday, whole days) and their days off.
    public static let calendars = """
        CREATE TABLE klik_sla_calendars (
            name TEXT PRIMARY KEY,
            zone TEXT NOT NULL DEFAULT 'Asia/Jakarta',
            utc_offset INTEGER NOT NULL DEFAULT 25200,
            working_days TEXT NOT NULL DEFAULT '1,2,3,4,5',
            day_start INTEGER,
            day_end INTEGER,
            updated_at TEXT NOT NULL DEFAULT '');
        CREATE TABLE klik_sla_holidays (
            calendar TEXT NOT NULL REFERENCES klik_sla_calendars (name) ON DELETE CASCADE,
            date TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('libur_nasional', 'cuti_bersama', 'libur_daerah')),
            name_id TEXT NOT NULL,
            name_en TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (calendar, date));
        INSERT INTO klik_sla_calendars (name) VALUES ('default');
        """

    /// Clocks, the transitions the engine fired (events, in id order) and how far delivery got. `next_at` is the time of the clock's next
    /// colour change (NULL when none is pending); its partial index makes finding due clocks cost
    /// O(due), not O(open clocks).
    public static let clocks = """
        CREATE TABLE klik_sla_clocks (
            id INTEGER PRIMARY KEY,
            plugin TEXT NOT NULL,
            policy TEXT NOT NULL,
            subject TEXT NOT NULL,
            opd TEXT,
            category TEXT,
            calendar TEXT NOT NULL,
            working INTEGER NOT NULL,
            target INTEGER NOT NULL,
            warning INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('running', 'paused', 'completed', 'cancelled')),
            cycle INTEGER NOT NULL DEFAULT 1,
            started_at INTEGER NOT NULL,
            accrued INTEGER NOT NULL DEFAULT 0,
            resumed_at INTEGER,
            halted_at INTEGER,
            warn_at INTEGER,
            due_at INTEGER,
            finished_at INTEGER,
            met_late INTEGER NOT NULL DEFAULT 0,
            colour TEXT NOT NULL DEFAULT 'green',
            fired TEXT NOT NULL DEFAULT 'green',
            next_at INTEGER,
            UNIQUE (plugin, policy, subject));
        CREATE INDEX klik_sla_clocks_next ON klik_sla_clocks (next_at) WHERE next_at IS NOT NULL;
        CREATE INDEX klik_sla_clocks_subject ON klik_sla_clocks (plugin, subject);
        CREATE TABLE klik_sla_events (
            id INTEGER PRIMARY KEY,
            clock_id INTEGER NOT NULL,
            cycle INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('warning', 'breach')),
            plugin TEXT NOT NULL,
            at INTEGER NOT NULL,
            fired_at INTEGER NOT NULL,
            UNIQUE (clock_id, cycle, kind));
        CREATE TABLE klik_sla_delivery (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            last_event INTEGER NOT NULL);
        INSERT INTO klik_sla_delivery (id, last_event) VALUES (1, 0);
        """

    /// Durable jobs of `klik.schedule`.
    public static let schedule = """
        CREATE TABLE klik_schedule_jobs (
            id INTEGER PRIMARY KEY,
            plugin TEXT NOT NULL,
            handler TEXT NOT NULL,
            spec TEXT,
            args TEXT NOT NULL DEFAULT 'null',
            run_at INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed', 'cancelled')),
            runs INTEGER NOT NULL DEFAULT 0,
            last_run_at INTEGER,
            last_error TEXT,
            created_at INTEGER NOT NULL);
        CREATE INDEX klik_schedule_due ON klik_schedule_jobs (run_at) WHERE state = 'pending';
        CREATE UNIQUE INDEX klik_schedule_recurring ON klik_schedule_jobs (plugin, handler, spec) WHERE spec IS NOT NULL;
        """
}
