// SQLite for Swift: the C header plus wrappers for what does not import.
#ifndef KLIK_CSQLITE_SHIM_H
#define KLIK_CSQLITE_SHIM_H
#include <sqlite3.h>

/// Binds text that SQLite copies at once (SQLITE_TRANSIENT does not import into Swift).
static inline int ksql_bind_text(sqlite3_stmt *s, int i, const char *text, int n) {
    return sqlite3_bind_text(s, i, text, n, SQLITE_TRANSIENT);
}
static inline int ksql_bind_blob(sqlite3_stmt *s, int i, const void *data, int n) {
    return sqlite3_bind_blob(s, i, data, n, SQLITE_TRANSIENT);
}
#endif
