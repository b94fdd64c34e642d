import GRDB

/// A first load's transaction journalled with a rollback journal instead of the WAL.
///
/// In WAL mode every page a transaction writes goes into the WAL, and the checkpoint after the commit
/// copies it into the database file: a first load of 1M invoices writes its ≈ 330 MB of new pages
/// twice (and syncs both), on one core after the reading is done. With a rollback journal
/// (`journal_mode = DELETE`) a new page at the end of the file goes straight into it: only the pages
/// that existed before the transaction (a few: `sqlite_master`, `ingest_batch`, the dropped indexes'
/// roots) are copied into `relance.sqlite-journal` first. A kill at any point leaves either that
/// journal, which the next connection rolls back (the file truncated to its old size), or the whole
/// load committed. A first load of payments (Ingest) takes it too: at scale 1 its 5.2M payments and
/// allocations are ≈ 1.27 GB of new pages, and the invoice pages they change (open amounts, closing
/// days) are existing pages, each copied once into the journal before its first change.
///
/// - `setAside` switches the writer connection out of WAL before the load's `BEGIN`, only when the
///   loaded table is empty and no other connection has the database open (SQLite refuses to leave WAL
///   mode otherwise: "database is locked", at once): then nil, the load runs in WAL mode as before.
///   The caller closes its own idle readers first and keeps new ones waiting (GRDB's barrier).
/// - `restore` switches back to WAL after the transaction ended, committed or not. It waits for a
///   reader of another process that began in between (the connection's busy timeout); if it still
///   cannot, the database stays in rollback mode until the next `LedgerStore` opens it (which sets
///   WAL again), a slower mode but as safe.
///
/// While the load runs another process's read waits for its commit (the writer holds the file's
/// exclusive lock once its cache spills), up to that process's busy timeout, where in WAL mode it
/// would read the state before the load.
package struct RollbackJournalLoad: Sendable {
    /// True when a load into `entity`'s table could leave WAL: the table is empty, `db` is in WAL
    /// mode and outside a transaction.
    package static func applies(_ db: Database, emptyTable entity: RecordEntity) throws -> Bool {
        guard try inWAL(db) else { return false }
        return try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(entity.rawValue.quotedDatabaseIdentifier))") == false
    }

    /// `db` is in WAL mode and outside a transaction.
    private static func inWAL(_ db: Database) throws -> Bool {
        try !db.isInsideTransaction && String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal"
    }

    /// Runs `body` on `pool`'s writer, outside a transaction, with the pool's idle readers closed and
    /// its reads waiting (GRDB's barrier), so that SQLite lets the writer leave WAL: in a rollback
    /// journal when `setAside` can (only when `emptyTable` is empty, if given), else in WAL mode as
    /// before; WAL again afterwards, whatever the outcome.
    package static func write<T>(_ pool: DatabasePool, emptyTable entity: RecordEntity? = nil,
                                 _ body: (Database) throws -> T) throws -> T {
        try pool.barrierWriteWithoutTransaction { db in
            pool.invalidateReadOnlyConnections()
            let journal = if let entity { try setAside(db, emptyTable: entity) } else { try setAside(db) }
            defer { journal?.restore(db) }
            return try body(db)
        }
    }

    /// Switches `db` to a rollback journal when `applies` and no other connection has the database
    /// open; nil (still WAL) otherwise. Call `restore` when the transaction that follows has ended.
    package static func setAside(_ db: Database, emptyTable entity: RecordEntity) throws -> RollbackJournalLoad? {
        guard try applies(db, emptyTable: entity) else { return nil }
        return try setAside(db)
    }

    /// Switches `db` (in WAL mode, outside a transaction) to a rollback journal when no other connection
    /// has the database open; nil (still WAL) otherwise. A bank ingest of large statements takes it
    /// whatever its tables hold: the pages its credits change are existing ones, each copied once into
    /// the journal before its first change, and written once into the file at the commit.
    package static func setAside(_ db: Database) throws -> RollbackJournalLoad? {
        guard try inWAL(db) else { return nil }
        do {
            guard try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") == "delete" else { return nil }
        } catch let e as DatabaseError where e.resultCode == .SQLITE_BUSY || e.resultCode == .SQLITE_LOCKED {
            return nil
        }
        // The store's `synchronous = NORMAL` is safe in WAL mode only: with a rollback journal, a power
        // loss at the wrong moment could corrupt the file, so the load syncs fully (a few more syncs).
        try db.execute(sql: "PRAGMA synchronous = FULL")
        return RollbackJournalLoad()
    }

    /// WAL again (waits up to the busy timeout for another process's reader). Returns false when the
    /// database stayed in rollback mode.
    @discardableResult
    package func restore(_ db: Database) -> Bool {
        guard (try? String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")) == "wal" else { return false }
        try? db.execute(sql: "PRAGMA synchronous = NORMAL")  // the store's, in WAL mode
        return true
    }
}
