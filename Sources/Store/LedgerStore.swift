import Foundation
import Ledger
import GRDB

/// The workspace's SQLite database: WAL journal, foreign keys on, migrated on open.
///
/// One `LedgerStore` per process; stages read and write through its `pool`. The file is created
/// readable and writable by its owner only, because it holds personal data.
package final class LedgerStore: Sendable {
    /// The database connections.
    package let pool: DatabasePool
    /// The database file's path.
    package let path: String

    /// Opens (creating if needed) and migrates the database at `path`.
    package init(path: String, migrate: Bool = true) throws {
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) {
            guard fm.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw StoreError.cannotCreateDatabase(path: path)
            }
        }
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = -32768")
            db.add(function: MessageBodies.textFunction)
            db.add(function: MessageBodies.textWithDictionaryFunction)
            db.add(function: DunningComputation.sqlFunction)
        }
        self.pool = try DatabasePool(path: path, configuration: config)
        self.path = path
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
