// SQLite for Swift: the C header plus wrappers for what does not import.
#ifndef KLIK_CSQLITE_SHIM_H
#define KLIK_CSQLITE_SHIM_H
#include <stddef.h>
#include <sqlite3.h>

/// Binds text that SQLite copies at once (SQLITE_TRANSIENT does not import into Swift).
static inline int ksql_bind_text(sqlite3_stmt *s, int i, const char *text, int n) {
    return sqlite3_bind_text(s, i, text, n, SQLITE_TRANSIENT);
}
static inline int ksql_bind_blob(sqlite3_stmt *s, int i, const void *data, int n) {
    return sqlite3_bind_blob(s, i, data, n, SQLITE_TRANSIENT);
}
/// The WAL index (`-shm`) as SQLite itself mapped it for this connection's database file, or NULL
/// (not in WAL mode, or no read yet). Goes through the VFS (`xShmMap` of region 0, 32 KiB as SQLite
/// maps it) rather than opening the file again: closing a second descriptor of the file would drop
/// every POSIX lock this process holds on it. Valid while the connection is open.
static inline const void *ksql_wal_index(sqlite3 *db) {
    sqlite3_file *file = NULL;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || !file || !file->pMethods) return NULL;
    if (file->pMethods->iVersion < 2 || !file->pMethods->xShmMap) return NULL;
    void volatile *region = NULL;
    if (file->pMethods->xShmMap(file, 0, 32768, 0, &region) != SQLITE_OK) return NULL;
    return (const void *)region;
}
#endif
