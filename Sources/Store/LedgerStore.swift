import CSQLiteConfig
import Foundation
import GRDB
import GRDBSQLite
import Ledger

/// The workspace's SQLite database: WAL journal, foreign keys on, migrated on open.
///
/// One `LedgerStore` per process; stages read and write through its `pool`. The file is created
/// readable and writable by its owner only, because it holds personal data.
package final class LedgerStore: Sendable {
    /// The database connections.
    package let pool: DatabasePool
    /// The database file's path.
    package let path: String
    /// Every connection's page cache (32 MiB); a stage that takes another for a while sets this back.
    package static let pageCacheSQL = "PRAGMA cache_size = -32768"

    /// Opens (creating if needed) and migrates the database at `path`.
    package init(path: String, migrate: Bool = true) throws {
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) {
            guard fm.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw StoreError.cannotCreateDatabase(path: path)
            }
        }
        SQLiteProcess.configure()
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: LedgerStore.pageCacheSQL)
            db.add(function: MessageBodies.textFunction)
            db.add(function: MessageBodies.textWithDictionaryFunction)
            db.add(function: MessageBodies.subjectFunction)
            db.add(function: DunningComputation.sqlFunction)
            db.add(function: DunningComputation.sqlFunctionWithItems)
        }
        self.pool = try DatabasePool(path: path, configuration: config)
        self.path = path
        if ProcessInfo.processInfo.environment["RELANCE_SQLITE_DEBUG"] == "1" {
            FileHandle.standardError.write(Data((SQLiteProcess.report() + "\n").utf8))
        }
        if migrate { try Schema.migrator.migrate(pool) }
    }

    /// Names of the migrations applied to this database, in order.
    package func appliedMigrations() throws -> [String] {
        try pool.read { db in try Schema.migrator.appliedMigrations(db) }
    }

    /// Applies pending migrations; returns the names it applied.
    @discardableResult
    package func migrate() throws -> [String] {
        let before = Set(try appliedMigrations())
        try Schema.migrator.migrate(pool)
        return try appliedMigrations().filter { !before.contains($0) }
    }
}

/// SQLite's process-wide configuration, set once before the first connection opens (by
/// `LedgerStore.init` and `WorkspaceIdentity.check`, the places Store opens connections):
/// multi-thread mode (`SQLITE_CONFIG_MULTITHREAD`: no connection takes a mutex unless opened with
/// `SQLITE_OPEN_FULLMUTEX`; GRDB opens its connections with `SQLITE_OPEN_NOMUTEX` anyway) and no
/// memory statistics (`SQLITE_CONFIG_MEMSTATUS` 0: no global mutex and counters around every
/// allocation SQLite makes). Safe because no connection or statement is used by two threads at
/// once: Store's README ("Threads") says where each one lives.
package enum SQLiteProcess {
    /// What `sqlite3_config` answered: `SQLITE_OK` (0) each when the settings took effect;
    /// `SQLITE_MISUSE` (21) when a connection had been opened before (SQLite keeps its defaults,
    /// serialized mode and memory statistics, which is slower but as safe).
    package struct Outcome: Sendable, Equatable {
        /// `sqlite3_config(SQLITE_CONFIG_MULTITHREAD)`.
        package let multiThread: Int32
        /// `sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0)`.
        package let memoryStatistics: Int32
    }

    /// The outcome of the one configuration of this process (a lazy global: run once, by the first caller).
    package static let outcome = Outcome(multiThread: relance_sqlite_config_multithread(),
                                         memoryStatistics: relance_sqlite_config_memstatus(0))

    /// Configures SQLite if no call did yet; call before opening a connection.
    package static func configure() { _ = outcome }

    /// What a connection opened now shows: multi-thread mode when SQLite gives a connection opened
    /// without `SQLITE_OPEN_NOMUTEX` no mutex; memory statistics off when SQLite counts no memory in
    /// use after opening it.
    package static func observed() -> (multiThread: Bool, memoryStatisticsOff: Bool) {
        var db: OpaquePointer?
        defer { sqlite3_close(db) }
        guard sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let db else {
            return (false, false)
        }
        return (sqlite3_db_mutex(db) == nil, sqlite3_memory_used() == 0)
    }

    /// One line for `RELANCE_SQLITE_DEBUG=1`: the configuration's outcome and what a connection shows.
    package static func report() -> String {
        let seen = observed()
        return "sqlite: config multi-thread \(outcome.multiThread), memstatus \(outcome.memoryStatistics); "
            + "a new connection: \(seen.multiThread ? "multi-thread" : "serialized"), "
            + "memory statistics \(seen.memoryStatisticsOff ? "off" : "on")"
    }
}

/// UTC instants as stored in the database: ISO 8601 with milliseconds and `Z`.
package enum Instant {
    /// Formats an instant.
    package static func string(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let secs = ms / 1000
        let days = Int32(secs / 86_400)
        let rem = Int(secs % 86_400)
        let day = Ledger.Day(daysSinceEpoch: days)
        let h = rem / 3600, m = (rem % 3600) / 60, s = rem % 60
        func p(_ v: Int, _ w: Int) -> String { let t = String(v); return String(repeating: "0", count: max(0, w - t.count)) + t }
        return "\(day)T\(p(h, 2)):\(p(m, 2)):\(p(s, 2)).\(p(Int(ms % 1000), 3))Z"
    }
}
