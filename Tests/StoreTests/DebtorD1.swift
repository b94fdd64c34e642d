import GRDB
import Ledger
import Store

/// Debtor D1 ("Debiteur", b2b, nl, BE), its open invoices and its queued reminders: the setup that
/// several Store suites share. In an empty store D1 is debtor 1 and its invoices are 1, 2, … in the
/// order given.
enum DebtorD1 {
    /// Inserts D1; returns its id.
    @discardableResult
    static func insert(_ db: Database) throws -> Int64 {
        try db.execute(sql: "INSERT INTO debtor (debtor_key, name, kind, language, country, content_hash) VALUES ('D1', 'Debiteur', 'b2b', 'nl', 'BE', 0)")
        return db.lastInsertedRowID
    }

    /// Inserts D1 and, numbered as given, its open invoices of EUR 1.00 issued and due on the days given.
    static func insert(_ db: Database, invoices numbers: [String], issued: String, due: String) throws {
        let debtor = try insert(db)
        for n in numbers {
            try db.execute(sql: """
                INSERT INTO invoice (invoice_number, debtor_id, type, issue_date, due_date, currency, amount_minor, open_minor, status, content_hash)
                VALUES (?, ?, 'invoice', ?, ?, 'EUR', 100, 100, 'open', 0)
                """, arguments: [n, debtor, issued, due])
        }
    }

    /// A queued reminder in Dutch and euros, without interest or fees, a reference or a pay-by day:
    /// its balance, total and amount demanded are `totalMinor`.
    static func reminder(_ key: String, debtorID: Int64 = 1, asOf: String = "2026-11-21", ladder: String = "b2b/v1", step: String = "reminder-1", stepIndex: Int = 0,
                         channels: [DunningChannel] = [.email], totalMinor: Int64, computation: String = "{}",
                         documentPath: String? = nil, createdAt: String = "t") -> DunningEventRecord {
        DunningEventRecord(
            idempotencyKey: key, debtorID: debtorID, asOf: Day(iso: asOf)!, ladder: ladder, step: step,
            stepIndex: stepIndex, channels: channels, language: "nl", currency: "EUR", balanceMinor: totalMinor, interestMinor: 0,
            feesMinor: 0, totalMinor: totalMinor, computation: computation, documentPath: documentPath, status: .queued, runID: nil,
            createdAt: createdAt, structuredReference: nil, seenBatchID: nil, demandedMinor: totalMinor, payBy: nil)
    }
}
