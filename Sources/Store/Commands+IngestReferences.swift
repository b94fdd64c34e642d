import GRDB

/// Foreign-key enforcement set aside for the transaction of a first load, and the set-based check
/// that stands in for it before the commit.
///
/// With enforcement on, SQLite looks up the parent of every reference a row carries as the row goes
/// in. On a first load of invoices that is the debtor of each of a million rows: the appended pages
/// crowd the 200k-row `debtor` table out of the page cache, and each look-up first probes a WAL index
/// that grows with the load (64 rows a statement: 3.1–3.4 s with enforcement, 1.7–1.9 s without, in
/// C against the same SQLite). `PRAGMA foreign_keys` only changes outside a transaction, and then for
/// every table the connection writes, so:
///
/// - `setAside` turns enforcement off on the writer connection before the ingest's `BEGIN`, only
///   when the table to load is empty;
/// - `check`, the last step inside the transaction (after the index builds, the payment matching and
///   the reminder guard), looks for any reference in the database without its parent: the loaded
///   table by sets (each foreign-key column's distinct values through an index that leads with it,
///   the others in one scan), every other table with a foreign key by `PRAGMA foreign_key_check`;
///   one found throws `StoreError.danglingReference`, and the caller's transaction rolls back whole;
/// - `restore` turns enforcement on again after the transaction ended, committed or not.
///
/// The ingest resolves each row's debtor from the `debtor` table in the same transaction (the
/// validator's table is read after `BEGIN`) and its batches are rows it inserted itself, so the check
/// finds nothing unless something else went wrong; it is what keeps the guarantee a statement-by-
/// statement check gave. Its cost at 1M invoices and 200k debtors: ≈ 0.1–0.2 s (docs/PERFORMANCE.md).
package struct ForeignKeysSetAside: Sendable {
    /// The table loaded while enforcement is off.
    package let table: String

    /// Turns foreign-key enforcement off on `db` when `entity`'s table is empty and `db` is outside a
    /// transaction with enforcement on; nil (nothing changed) otherwise. Call `restore` when the
    /// transaction that follows has ended, whatever its outcome, and `check` before it commits.
    package static func setAside(_ db: Database, emptyTable entity: RecordEntity) throws -> ForeignKeysSetAside? {
        let table = entity.rawValue
        guard !db.isInsideTransaction, try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") == true,
              try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table.quotedDatabaseIdentifier))") == false
        else { return nil }
        try db.execute(sql: "PRAGMA foreign_keys = OFF")
        return ForeignKeysSetAside(table: table)
    }

    /// Enforcement on again (a no-op inside a transaction, so call it after the transaction ended).
    package func restore(_ db: Database) {
        try? db.execute(sql: "PRAGMA foreign_keys = ON")
    }

    /// Throws `StoreError.danglingReference` for the first reference in the database whose parent
    /// row is missing: what enforcement would have refused. Call it inside the load's transaction,
    /// last before it commits (the loaded table's indexes built).
    package func check(_ db: Database) throws {
        try checkLoadedTable(db)
        let others = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master
            WHERE type = 'table' AND name <> ? AND EXISTS (SELECT 1 FROM pragma_foreign_key_list(name))
            ORDER BY name
            """, arguments: [table])
        for other in others {
            if let r = try Row.fetchOne(db, sql: "PRAGMA foreign_key_check(\(other.quotedDatabaseIdentifier))") {
                let fk = try Row.fetchOne(db, sql: """
                    SELECT "from" FROM pragma_foreign_key_list(?) WHERE id = ? ORDER BY seq LIMIT 1
                    """, arguments: [other, r[3] as Int64])
                throw StoreError.danglingReference(table: other, row: (r[1] as Int64?) ?? 0, column: fk?[0] ?? "?", parent: r[2])
            }
        }
    }

    /// The loaded table's references by sets: each foreign key's column that leads an index, as its
    /// distinct values (the index's order: one look-up per parent, in key order); the other columns
    /// in one scan of the table, each row's values looked up in their (small) parents.
    private func checkLoadedTable(_ db: Database) throws {
        let keys = try Row.fetchAll(db, sql: """
            SELECT id, "table", "from", "to", (SELECT COUNT(*) FROM pragma_foreign_key_list(?1) k WHERE k.id = f.id) AS width
            FROM pragma_foreign_key_list(?1) f ORDER BY id, seq
            """, arguments: [table])
        let leading = Set(try String.fetchAll(db, sql: """
            SELECT ii.name FROM pragma_index_list(?1) il, pragma_index_info(il.name) ii
            WHERE ii.seqno = 0 AND il.partial = 0
            """, arguments: [table]))
        let t = table.quotedDatabaseIdentifier
        var scanned: [(column: String, parent: String, test: String)] = []
        for k in keys {
            let column: String = k["from"], parent: String = k["table"]
            guard (k["width"] as Int) == 1, let to = k["to"] as String? else {
                // A key of several columns, or to a parent's implicit primary key (none today): SQLite's own check.
                if let r = try Row.fetchOne(db, sql: "PRAGMA foreign_key_check(\(t))") {
                    throw StoreError.danglingReference(table: table, row: (r[1] as Int64?) ?? 0, column: column, parent: r[2])
                }
                continue
            }
            let c = column.quotedDatabaseIdentifier
            let test = "\(c) IS NOT NULL AND \(c) NOT IN (SELECT \(to.quotedDatabaseIdentifier) FROM \(parent.quotedDatabaseIdentifier))"
            guard leading.contains(column) else {
                scanned.append((column, parent, test))
                continue
            }
            let missing = try DatabaseValue.fetchOne(db, sql: """
                SELECT v FROM (SELECT DISTINCT \(c) AS v FROM \(t) WHERE \(c) IS NOT NULL)
                WHERE v NOT IN (SELECT \(to.quotedDatabaseIdentifier) FROM \(parent.quotedDatabaseIdentifier)) LIMIT 1
                """)
            if let missing {
                let row = try Int64.fetchOne(db, sql: "SELECT rowid FROM \(t) WHERE \(c) = ? LIMIT 1", arguments: [missing])
                throw StoreError.danglingReference(table: table, row: row ?? 0, column: column, parent: parent)
            }
        }
        guard !scanned.isEmpty else { return }
        let tests = scanned.map { "(\($0.test))" }
        guard let r = try Row.fetchOne(db, sql: """
            SELECT rowid, \(tests.joined(separator: ", ")) FROM \(t) WHERE \(tests.joined(separator: " OR ")) LIMIT 1
            """)
        else { return }
        let which = scanned.indices.first { (r[$0 + 1] as Bool?) == true } ?? 0
        throw StoreError.danglingReference(table: table, row: r[0], column: scanned[which].column, parent: scanned[which].parent)
    }
}
