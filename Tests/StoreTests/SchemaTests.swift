import Foundation
import GRDB
import RelanceTestSupport
import Store
import Testing

/// The schema as a golden file (`Golden/schema.sql`, the `sqlite_master` of a freshly migrated
/// database), and an upgrade from the first landed migration to the newest on a database with data.
/// A new migration changes the golden file: re-record it with `RELANCE_RECORD=1` and review the diff.
@Suite struct SchemaTests {
    /// The first migration that landed: the oldest database a user can have.
    static let firstMigration = "0001-ledger"

    /// Every object of the schema (type, name, table, SQL), sorted by type and name, as SQL text.
    static func dump(_ db: Database) throws -> String {
        let rows = try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
        return rows.map { row -> String in
            let type: String = row["type"], name: String = row["name"], table: String = row["tbl_name"]
            let sql: String? = row["sql"]
            return "-- \(type) \(name) on \(table)\n" + (sql.map { $0 + ";" } ?? "-- (made by SQLite, no SQL)") + "\n"
        }.joined(separator: "\n")
    }

    @Test func aFreshDatabaseHasTheGoldenSchema() throws {
        let t = try TemporaryStore("schema")
        try assertGolden(try t.store.pool.read(Self.dump), "schema.sql")
    }

    @Test func theFirstLandedSchemaWithDataUpgradesToTheGoldenSchemaKeepingEveryRow() throws {
        let dir = TemporaryDirectory.make("schema-upgrade")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/relance.sqlite"
        var config = Configuration()
        config.foreignKeysEnabled = true
        let old = try DatabaseQueue(path: path, configuration: config)
        try Schema.migrator.migrate(old, upTo: Self.firstMigration)
        #expect(try old.read { db in try Schema.migrator.appliedMigrations(db) } == [Self.firstMigration])
        // A small ledger written the way the first release wrote it: plain SQL on the 0001 tables.
        try old.write { db in
            try db.execute(sql: """
                INSERT INTO ingest_batch (id, kind, file_name, file_path, file_bytes, file_hash, encoding, as_of, started_at, finished_at,
                  rows_read, rows_imported, rows_updated, rows_unchanged, rows_rejected)
                VALUES (1, 'debtors', 'debtors.csv', '/in/debtors.csv', 120, 'a1', 'utf-8', '2025-03-01', '2025-03-01T01:00:00.000Z',
                  '2025-03-01T01:00:01.000Z', 2, 2, 0, 0, 0);
                INSERT INTO debtor (id, debtor_key, name, kind, vat_number, email, language, country, payment_terms_days, on_hold,
                  content_hash, created_batch_id)
                VALUES (1, 'K001', 'Brasserie Éclair SRL', 'b2b', 'BE0123456749', 'compta@eclair.example', 'fr', 'BE', 30, 0, 11, 1),
                       (2, 'K002', 'Jan Peeters', 'b2c', NULL, NULL, 'nl', 'BE', NULL, 1, 12, 1);
                INSERT INTO invoice (id, invoice_number, debtor_id, type, issue_date, due_date, currency, amount_minor, open_minor,
                  structured_reference, disputed, status, closed_reason, closed_on, content_hash, created_batch_id)
                VALUES (1, 'F-001', 1, 'invoice', '2025-01-10', '2025-02-09', 'EUR', 121000, 121000, '+++090/9337/55493+++', 0, 'open', NULL, NULL, 21, 1),
                       (2, 'F-002', 2, 'invoice', '2025-01-15', '2025-02-14', 'EUR', 5000, 0, NULL, 0, 'closed', 'paid', '2025-02-20', 22, 1),
                       (3, 'C-001', 1, 'credit_note', '2025-02-01', '2025-02-01', 'EUR', -10000, -10000, NULL, 1, 'open', NULL, NULL, 23, 1);
                INSERT INTO payment (id, payment_key, payment_date, currency, amount_minor, invoice_number, debtor_key, unapplied_minor,
                  booked, content_hash, created_batch_id)
                VALUES (1, 'P-1', '2025-02-20', 'EUR', 5000, 'F-002', 'K002', 0, 1, 31, 1),
                       (2, 'P-2', '2025-02-21', 'EUR', 2500, NULL, 'K001', 2500, 0, 32, 1);
                INSERT INTO payment_allocation (id, payment_id, invoice_id, amount_minor, rule, batch_id)
                VALUES (1, 1, 2, 5000, 'invoice_number', 1);
                """)
        }
        let before = try old.read(Self.ledgerRows)
        try old.close()

        let store = try LedgerStore(path: path)
        #expect(try store.appliedMigrations().count == Schema.migrator.migrations.count)
        let after = try store.pool.read(Self.ledgerRows)
        #expect(after == before, "the upgrade changed rows of the first schema's tables")
        #expect(before.count == 9)
        // The columns later migrations added take their defaults on the old rows.
        let invoice = try #require(try store.pool.read { db in try Row.fetchOne(db, sql: "SELECT source, reported_open_minor FROM invoice WHERE id = 1") })
        #expect(invoice["source"] as String == "csv" && invoice["reported_open_minor"] as Int64? == nil)
        // The upgraded database holds exactly the schema a new workspace gets.
        try assertGolden(try store.pool.read(Self.dump), "schema.sql")
        let (orphans, integrity) = try store.pool.read { db in
            (try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count, try String.fetchOne(db, sql: "PRAGMA integrity_check"))
        }
        #expect(orphans == 0 && integrity == "ok")
    }

    /// The rows of the first schema's ledger tables, in the first schema's columns, as text.
    static func ledgerRows(_ db: Database) throws -> [String] {
        let tables: [(String, String)] = [
            ("ingest_batch", "id, kind, file_name, file_hash, as_of, rows_read, rows_imported"),
            ("debtor", "id, debtor_key, name, kind, vat_number, email, language, country, payment_terms_days, on_hold, content_hash"),
            ("invoice", "id, invoice_number, debtor_id, type, issue_date, due_date, currency, amount_minor, open_minor, structured_reference, disputed, status, closed_reason, closed_on"),
            ("payment", "id, payment_key, payment_date, currency, amount_minor, invoice_number, debtor_key, unapplied_minor, booked"),
            ("payment_allocation", "id, payment_id, invoice_id, amount_minor, rule, batch_id"),
        ]
        return try tables.flatMap { table, columns in
            try Row.fetchAll(db, sql: "SELECT \(columns) FROM \(table) ORDER BY id").map { "\(table): \($0.description)" }
        }
    }
}
