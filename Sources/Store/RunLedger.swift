import Foundation
import GRDB

/// The run ledger: one `run` row per command that changes the workspace, with its outcome.
package struct RunLedger: Sendable {
    let store: LedgerStore

    package init(store: LedgerStore) { self.store = store }

    /// Records the start of a command; returns the run id. Runs still marked `running` whose
    /// process is gone (killed, crashed, machine stopped) are marked `interrupted` first.
    package func begin(command: String, asOf: String?, at: Date, pid: Int32 = getpid()) throws -> Int64 {
        try store.pool.write { db in
            try Self.markInterrupted(db, at: at)
            var r = RunRecord(command: command, asOf: asOf, startedAt: Instant.string(at))
            r.pid = pid
            try r.insert(db)
            guard let id = r.id else { throw DatabaseError(message: "the run row got no id") }
            return id
        }
    }

    /// Marks `interrupted` every run still `running` whose process no longer exists; returns their ids.
    @discardableResult
    package static func markInterrupted(_ db: Database, at: Date) throws -> [Int64] {
        let running = try Row.fetchAll(db, sql: "SELECT id, pid FROM run WHERE outcome = 'running' AND pid IS NOT NULL")
        var gone: [Int64] = []
        for row in running {
            let id: Int64 = row[0], pid: Int32 = row[1]
            if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH { gone.append(id) }
        }
        for id in gone {
            try db.execute(sql: """
                UPDATE run SET outcome = 'interrupted', finished_at = ?,
                  summary = 'the process ended without finishing the run (killed or crashed); marked by a later run'
                WHERE id = ?
                """, arguments: [Instant.string(at), id])
            try db.execute(sql: "UPDATE nightly_stage SET outcome = 'interrupted', finished_at = ? WHERE run_id = ? AND outcome = 'running'",
                           arguments: [Instant.string(at), id])
        }
        return gone
    }

    /// Marks the nightly runs still `running` from before process ids were recorded as
    /// `interrupted`: called by the nightly while it holds the workspace lock, so no other nightly runs.
    package func markOldNightliesInterrupted(at: Date) throws {
        try store.pool.write { db in
            try db.execute(sql: """
                UPDATE run SET outcome = 'interrupted', finished_at = ?,
                  summary = 'the process ended without finishing the run; marked by a later nightly'
                WHERE outcome = 'running' AND pid IS NULL AND command = 'nightly'
                """, arguments: [Instant.string(at)])
        }
    }

    /// Records the end of a command.
    package func finish(id: Int64, outcome: String, exitCode: Int32, summary: String?, at: Date) throws {
        try store.pool.write { db in
            try db.execute(
                sql: "UPDATE run SET finished_at = ?, outcome = ?, exit_code = ?, summary = ? WHERE id = ?",
                arguments: [Instant.string(at), outcome, exitCode, summary, id])
        }
    }

    /// One run; nil when there is none with that id. Without an id, the latest run.
    package func run(id: Int64?) throws -> RunRecord? {
        try store.pool.read { db in
            if let id { return try RunRecord.fetchOne(db, key: id) }
            return try RunRecord.fetchOne(db, sql: "SELECT * FROM run ORDER BY id DESC LIMIT 1")
        }
    }

    /// The latest runs, newest first.
    package func recent(limit: Int) throws -> [RunRecord] {
        try store.pool.read { db in
            try RunRecord.fetchAll(db, sql: "SELECT * FROM run ORDER BY id DESC LIMIT ?", arguments: [limit])
        }
    }
}
