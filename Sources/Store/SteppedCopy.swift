import Foundation
import GRDB
import GRDBSQLite

/// A copy of the database made a few pages at a time on the pool's writer connection, with SQLite's
/// online backup API (`sqlite3_backup_step`). Between two steps the pool writes as usual: a write
/// committed through this pool (its one writer connection) is carried by SQLite into the pages
/// already copied, and a write by any other connection, or a rolled-back WAL transaction, makes
/// SQLite restart the copy. So the finished copy is the database as of `finish()`, whatever was
/// written while the copy ran. Each step and the finish run on the writer's queue, so the target
/// connection is only ever used there.
package final class SteppedCopy: @unchecked Sendable {
    private let pool: DatabasePool
    /// The target file.
    package let path: String
    private var target: OpaquePointer?
    private var backup: OpaquePointer?
    private var finished = false

    /// Opens the target file at `path` (which must exist: the caller creates it with its mode) and
    /// begins the copy; no page is copied yet.
    package init(pool: DatabasePool, to path: String) throws {
        self.pool = pool
        self.path = path
        var t: OpaquePointer?
        guard sqlite3_open_v2(path, &t, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK, let t else {
            let message = t.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(t)
            throw SteppedCopyError(message: "cannot open \(path): \(message)")
        }
        target = t
        let b: OpaquePointer? = pool.writeWithoutTransaction { db in
            sqlite3_backup_init(t, "main", db.sqliteConnection, "main")
        }
        guard let b else {
            let message = String(cString: sqlite3_errmsg(t))
            sqlite3_close(t)
            target = nil
            throw SteppedCopyError(message: "cannot begin the copy into \(path): \(message)")
        }
        backup = b
    }

    /// Copies up to `pages` pages (all of them when negative) and returns how many are left, 0 once
    /// the copy is complete (then `finish` only closes it). Busy or locked sources count as a step
    /// that copied nothing.
    @discardableResult
    package func step(_ pages: Int32) throws -> Int {
        try pool.writeWithoutTransaction { _ in
            guard let backup, !finished else { return 0 }
            let rc = sqlite3_backup_step(backup, pages)
            switch rc {
            case SQLITE_DONE:
                finished = true
                return 0
            case SQLITE_OK, SQLITE_BUSY, SQLITE_LOCKED:
                return max(1, Int(sqlite3_backup_remaining(backup)))
            default:
                throw SteppedCopyError(message: "the copy into \(path) failed: \(String(cString: sqlite3_errstr(rc)))")
            }
        }
    }

    /// Copies the pages left (and those written since), ends the copy, and leaves the target a single
    /// file in rollback-journal mode (no `-wal` beside it). The copy is then the database as it is now.
    package func finish() throws {
        defer { close() }
        var left = try step(-1)
        var tries = 0
        while left > 0 {
            // A busy source (another process's write in progress): wait a little and go on.
            tries += 1
            guard tries < 600 else { throw SteppedCopyError(message: "the copy into \(path) could not finish: the database stayed busy") }
            usleep(100_000)
            left = try step(-1)
        }
        try pool.writeWithoutTransaction { _ in
            let rc = sqlite3_backup_finish(backup)
            backup = nil
            guard rc == SQLITE_OK else {
                throw SteppedCopyError(message: "the copy into \(path) failed: \(String(cString: sqlite3_errstr(rc)))")
            }
            guard sqlite3_exec(target, "PRAGMA journal_mode = DELETE", nil, nil, nil) == SQLITE_OK else {
                throw SteppedCopyError(message: "cannot set the journal mode of \(path): \(String(cString: sqlite3_errmsg(target)))")
            }
        }
    }

    /// Ends the copy where it is and closes the target (the file stays: the caller removes it).
    /// Safe to call more than once, and after `finish`.
    package func close() {
        pool.writeWithoutTransaction { _ in
            if let backup { sqlite3_backup_finish(backup) }
            backup = nil
            if let target { sqlite3_close(target) }
            target = nil
        }
    }
}

/// Why a stepped copy failed.
package struct SteppedCopyError: Error, CustomStringConvertible {
    /// What failed, with the path.
    package let message: String
    package var description: String { message }
}
