#!/usr/bin/env python3
"""Copies one real lapor report N times for bench/lapor.sh, with the server stopped.

Usage: lapor_seed.py DATABASE TEMPLATE_ID COUNT

Every column of the template row is copied (whatever the plugin's schema is today), with
created_at/updated_at spread back over 400 days so the public list has a realistic order, and
the template's SLA clocks are copied for each copy under its own subject ("lapor-<id>" and
"lapor-<id>-<seq>"), so views that show a report's traffic light read real clocks.
"""
import sqlite3
import sys
from datetime import datetime, timedelta, timezone

database, template, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
reports, clocks = '"plugin/lapor/reports"', "klik_sla_clocks"
db = sqlite3.connect(database)
db.execute("PRAGMA journal_mode = WAL")
columns = [r[0] for r in db.execute("SELECT name FROM pragma_table_info('plugin/lapor/reports')")]
copied = [c for c in columns if c not in ("id", "created_at", "updated_at")]
row = db.execute(f"SELECT {', '.join(chr(34) + c + chr(34) for c in copied)} FROM {reports} WHERE id = ?",
                 (template,)).fetchone()
if row is None:
    sys.exit(f"lapor_seed: report {template} not found in {database}")
clock_columns = [r[0] for r in db.execute(f"SELECT name FROM pragma_table_info('{clocks}')") if r[0] != "id"]
template_clocks = db.execute(
    f"SELECT {', '.join(clock_columns)} FROM {clocks} WHERE plugin = 'lapor' AND (subject = ? OR subject LIKE ?)",
    (f"lapor-{template}", f"lapor-{template}-%")).fetchall()
subject_at = clock_columns.index("subject")
now = datetime.now(timezone.utc)
span = timedelta(days=400) / count
insert_report = (f"INSERT INTO {reports} (created_at, updated_at, {', '.join(chr(34) + c + chr(34) for c in copied)}) "
                 f"VALUES (?, ?, {', '.join('?' for _ in copied)})")
insert_clock = f"INSERT INTO {clocks} ({', '.join(clock_columns)}) VALUES ({', '.join('?' for _ in clock_columns)})"
with db:
    for i in range(count):
        at = (now - span * (i + 1)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        new_id = db.execute(insert_report, (at, at, *row)).lastrowid
        for c in template_clocks:
            c = list(c)
            c[subject_at] = c[subject_at].replace(f"lapor-{template}", f"lapor-{new_id}", 1)
            db.execute(insert_clock, c)
total = db.execute(f"SELECT count(*) FROM {reports}").fetchone()[0]
print(f"lapor_seed: {count} copies of report {template} with {len(template_clocks)} clocks each; {total} reports in all",
      file=sys.stderr)
