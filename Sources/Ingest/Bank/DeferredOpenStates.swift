import GRDB
import Store

/// A bank statement's open-amount writes, computed credit by credit and written in invoice order.
///
/// A credit's refresh (`OpenAmount`) is computed when it is recorded, from the figures its look-up
/// read, exactly as before; only its `UPDATE invoice` waits. The credits of a statement pay invoices
/// all over the ledger: written as they come, 100,000 credits against 1M open invoices dirtied ≈ 82,000
/// pages in random order, more than the page cache holds, so SQLite spilled them to the WAL, wrote
/// frames again in place and read them back. Written in `invoice.id` order at the end of the file,
/// each page of the `invoice` table is changed in one pass.
///
/// Every read of the file sees the states as if they had been written:
/// - the look-ups that read an invoice's figures (by structured reference, by invoice numbers in the
///   free text) get the waiting state in place of the stored one (`overlaid`); their capacity comes
///   from the allocations, which are written at once. The order of several invoices sharing a
///   reference depends on their status: when one of them waits, everything is written and the
///   look-up read again;
/// - before a look-up that filters on the stored state (the debtor of a reminder's reference: all;
///   the open invoices of an account's debtors: those debtors' invoices), the states it could read
///   are written first (`flush`).
/// The last state of an invoice is written over the one it held before the file (`writeOpenState`:
/// the same columns as the last of the writes it replaces), so the ledger ends the same.
final class DeferredOpenStates {
    private struct Entry {
        /// What the invoice holds in the database.
        var stored: InvoiceOpenState
        /// Its state after the file's credits so far.
        var next: InvoiceOpenState
        var debtorID: Int64
    }

    /// At most ``limit`` invoices wait (then all are written): the memory a file takes stays bounded.
    static let defaultLimit = 250_000
    /// `IngestOptions.deferredOpenStatesLimit` for a bank file; tests set a few invoices to reach it.
    var limit = DeferredOpenStates.defaultLimit

    private var waiting: [Int64: Entry] = [:]
    /// The waiting invoices of each debtor (an invoice written since may still be listed).
    private var byDebtor: [Int64: [Int64]] = [:]

    var isEmpty: Bool { waiting.isEmpty }

    func isWaiting(_ invoiceID: Int64) -> Bool { waiting[invoiceID] != nil }

    /// The candidates with the waiting state of their invoice in place of the stored one.
    func overlaid(_ found: [AllocationCandidate]) -> [AllocationCandidate] {
        guard !waiting.isEmpty else { return found }
        var out = found
        for i in out.indices {
            if let e = waiting[out[i].invoiceID], out[i].figures != nil { out[i].figures?.now = e.next }
        }
        return out
    }

    /// Records the refresh of an invoice whose figures (`figures.now`: its current state, overlaid)
    /// an allocation just changed; writes all when `limit` invoices wait.
    func refresh(_ statements: AllocationStatements, invoiceID: Int64, debtorID: Int64, _ figures: InvoiceOpenFigures,
                 closedOn: String?) throws {
        let next = figures.refreshed(closedOn: closedOn)
        if waiting[invoiceID] != nil {
            waiting[invoiceID]?.next = next
        } else {
            waiting[invoiceID] = Entry(stored: figures.now, next: next, debtorID: debtorID)
            byDebtor[debtorID, default: []].append(invoiceID)
        }
        if waiting.count >= limit { try flush(statements) }
    }

    /// Writes every waiting state, in invoice order.
    func flush(_ statements: AllocationStatements) throws {
        guard !waiting.isEmpty else { return }
        for (id, e) in waiting.sorted(by: { $0.key < $1.key }) {
            try statements.writeOpenState(invoiceID: id, from: e.stored, to: e.next)
        }
        waiting.removeAll(keepingCapacity: true)
        byDebtor.removeAll(keepingCapacity: true)
    }

    /// Writes the waiting states of one invoice.
    func flush(_ statements: AllocationStatements, invoiceID: Int64) throws {
        guard let e = waiting.removeValue(forKey: invoiceID) else { return }
        try statements.writeOpenState(invoiceID: invoiceID, from: e.stored, to: e.next)
    }

    /// Writes the waiting states of the invoices of the debtors known to pay from `iban` (those
    /// `candidates(payerIBAN:…)` can read), in invoice order.
    func flush(_ statements: AllocationStatements, db: Database, payerIBAN iban: String) throws {
        guard !waiting.isEmpty else { return }
        let payers = try Int64.fetchAll(db.cachedStatement(sql: "SELECT debtor_id FROM debtor_account WHERE iban = ?"),
                                        arguments: [iban])
        var ids: [Int64] = []
        for d in payers { if let listed = byDebtor.removeValue(forKey: d) { ids += listed } }
        for id in ids.sorted() { try flush(statements, invoiceID: id) }
    }
}
