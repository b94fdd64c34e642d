import Dunning
import Foundation
import GRDB
import Ingest
import Ledger
import Store
import Testing

/// The plan's walk of the open items (issue 17): the debtors and the open invoices are two ordered
/// passes merged in Swift, no longer a join. It must give exactly what the join gave: the same
/// debtors, items, order and ladder state, with debtors that owe nothing passed over.
@Suite struct OpenItemsWalkTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("IngestTests/Fixtures").path

    /// (debtor id, debtor key, invoice id, number, step index, last reminder) in walk order, from the join the walk replaced.
    static func joined(_ db: Database, only debtor: Int64? = nil) throws -> [String] {
        try Row.fetchAll(db, sql: """
            SELECT d.id, d.debtor_key, i.id, i.invoice_number, s.step_index, s.last_reminder, d.name, i.description
            FROM invoice i JOIN debtor d ON d.id = i.debtor_id LEFT JOIN dunning_state s ON s.invoice_id = i.id
            WHERE i.status = 'open' \(debtor == nil ? "" : "AND i.debtor_id = \(debtor ?? 0)") ORDER BY i.debtor_id, i.due_date, i.id
            """).map { r in
            "\(r[0] as Int64) \(r[1] as String) \(r[2] as Int64) \(r[3] as String) \((r[4] as Int?).map(String.init) ?? "-") "
                + "\((r[5] as String?) ?? "-") \(r[6] as String) \((r[7] as String?) ?? "-")"
        }
    }

    /// The same facts from the walk.
    static func walked(_ db: Database, only debtor: Int64? = nil) throws -> [String] {
        var out: [String] = []
        try DunningQueries.forEachDebtorWithOpenItems(db, asOf: Day(iso: "2026-11-21")!, only: debtor) { d, items in
            #expect(!items.isEmpty)
            for i in items {
                out.append("\(d.id) \(d.key) \(i.invoiceID) \(i.number) \(i.stepIndex.map(String.init) ?? "-") "
                           + "\(i.lastReminder?.description ?? "-") \(d.name) \(i.description ?? "-")")
            }
        }
        return out
    }

    @Test func theMergedWalkGivesWhatTheJoinGave() throws {
        let dir = NSTemporaryDirectory() + "relance-walk-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try LedgerStore(path: dir + "/relance.sqlite")
        for (kind, file) in [(IngestKind.debtors, "debtors-nl.csv"), (.invoices, "invoices-en.csv"), (.invoices, "invoices-fr-cp1252.csv")] {
            _ = try Ingestor.run(store: store, files: [Self.fixtures + "/" + file], options: IngestOptions(kind: kind, asOf: Day(iso: "2026-11-21")!)) { _ in }
        }
        try store.pool.write { db in
            // Ladder state on one invoice; a debtor at the end of the id range with nothing open, and one
            // before the first debtor with open items: the debtor pass must step over both.
            let invoice = try Int64.fetchOne(db, sql: "SELECT id FROM invoice WHERE invoice_number = 'INV-2'") ?? 0
            try db.execute(sql: """
                INSERT INTO dunning_state (invoice_id, ladder, step_index, step, last_reminder) VALUES (?, 'b2b', 1, 'reminder-1', '2026-11-10')
                """, arguments: [invoice])
            try db.execute(sql: "UPDATE invoice SET status = 'closed', closed_reason = 'paid', open_minor = 0 WHERE invoice_number = 'INV-1'")
        }
        try store.pool.read { db in
            let all = try Self.joined(db)
            #expect(all.count >= 4)
            #expect(all.contains { $0.contains(" INV-2 1 2026-11-10 ") })
            #expect(try Self.walked(db) == all)
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM debtor ORDER BY id")
            for id in ids + [ids.max().map { $0 + 1 } ?? 1] {
                #expect(try Self.walked(db, only: id) == Self.joined(db, only: id), "debtor \(id)")
            }
        }
    }

    @Test func theWalkReadsOnlyIndexesAndNoHistory() throws {
        let dir = NSTemporaryDirectory() + "relance-walk-plan-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try LedgerStore(path: dir + "/relance.sqlite")
        try store.pool.read { db in
            // The open items come from `invoice_open`, which holds every column the walk reads: SQLite
            // defers the look-up in `invoice` and never makes it.
            let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + DunningQueries.openItemsSQL(onlyOneDebtor: false))
                .map { $0["detail"] as String }
            #expect(plan.contains { $0.hasPrefix("SCAN i USING") && $0.contains("INDEX invoice_open") }, "\(plan)")
            #expect(!plan.contains { $0.contains("dunning_event") })
        }
    }
}
