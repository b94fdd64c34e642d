import Foundation
import GRDB

/// The run ledger: one `run` row per command that changes the workspace, with its outcome.
public struct RunLedger: Sendable {
    let store: LedgerStore

    public init(store: LedgerStore) { self.store = store }

    /// Records the start of a command; returns the run id.
    public func begin(command: String, asOf: String?, at: Date) throws -> Int64 {
        try store.pool.write { db in
            var r = RunRecord(command: command, asOf: asOf, startedAt: Instant.string(at))
            try r.insert(db)
            return r.id!
        }
    }

    /// Records the end of a command.
    public func finish(id: Int64, outcome: String, exitCode: Int32, summary: String?, at: Date) throws {
        try store.pool.write { db in
            try db.execute(
                sql: "UPDATE run SET finished_at = ?, outcome = ?, exit_code = ?, summary = ? WHERE id = ?",
                arguments: [Instant.string(at), outcome, exitCode, summary, id])
        }
    }

    /// One run; nil when there is none with that id. Without an id, the latest run.
    public func run(id: Int64?) throws -> RunRecord? {
        try store.pool.read { db in
            if let id { return try RunRecord.fetchOne(db, key: id) }
            return try RunRecord.fetchOne(db, sql: "SELECT * FROM run ORDER BY id DESC LIMIT 1")
        }
    }

    /// The latest runs, newest first.
    public func recent(limit: Int) throws -> [RunRecord] {
        try store.pool.read { db in
            try RunRecord.fetchAll(db, sql: "SELECT * FROM run ORDER BY id DESC LIMIT ?", arguments: [limit])
        }
    }
}
