// The system SQLite (libsqlite3-dev, the one GRDBSQLite links): Swift cannot call the variadic
// sqlite3_config, so Store's process-wide configuration (SQLiteProcess) goes through these.
#include <sqlite3.h>

/// sqlite3_config(SQLITE_CONFIG_MULTITHREAD): no connection mutex unless a connection asks for one.
static inline int relance_sqlite_config_multithread(void) {
    return sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
}

/// sqlite3_config(SQLITE_CONFIG_MEMSTATUS, on): memory statistics (a global mutex around every
/// allocation) on or off.
static inline int relance_sqlite_config_memstatus(int on) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, on);
}
