import Foundation
import GRDB
import Ledger
import Store

/// One bank statement's credits matched set-wise where that gives exactly what the row-by-row path
/// (`PaymentAllocator`, one credit at a time) gives, and handed back to that path where it might not.
///
/// The candidates of every structured or RF reference of the statement are read first, in a few
/// statements in reference order (`AllocationStatements.candidates(references:)`). A credit is
/// *simple* when its key is not stored yet, its reference has candidates, and none of those
/// invoices has been allocated to by an earlier credit of the statement: then what it finds is what
/// the row path's look-up would read at its turn, and the row path's own rule
/// (`PaymentAllocator.apply`) plans it. Its payment, allocations and open-amount refreshes are kept
/// and written together (multi-row inserts, with the ids SQLite would give them one by one). Every
/// other credit first writes what is kept, then goes through the row path, so whatever it reads
/// (invoices, allocations, learnt payer accounts) and the ids it gets are the row path's. The
/// result is the row path's, table by table (`BankFilePropertyTests` compares the two).
struct BankCreditBatch {
    let statements: AllocationStatements
    let source: String
    let batch: Int64
    /// The candidates of each reference the statement's credits carry (non-empty lists only).
    private let candidates: [String: [AllocationCandidate]]
    /// Payment keys of the statement already stored: the row path finds them (and stores nothing).
    private let stored: Set<String>
    /// Invoices allocated to by a credit of this statement so far: a look-up read before is stale.
    private var touched = Set<Int64>()
    private var payments: [PlannedBankPayment] = []
    private var allocations: [PlannedAllocation] = []
    private var refreshes: [(invoiceID: Int64, figures: InvoiceOpenFigures, closedOn: String)] = []
    /// The first kept allocation whose payer account is to be learnt.
    private var learnFrom: Int64?
    private var nextPayment: Int64 = 0
    private var nextAllocation: Int64 = 0

    /// Reads the candidates of `rows`' references and which of their keys are stored.
    init(_ statements: AllocationStatements, rows: [BankPaymentRow], source: String, batch: Int64) throws {
        self.statements = statements
        self.source = source
        self.batch = batch
        candidates = try statements.candidates(references: rows.compactMap(\.reference))
        stored = try statements.storedPaymentKeys(rows.map(\.key))
    }

    /// Plans and keeps a simple credit (stored as `row`); nil, keeping nothing, when it is not simple.
    mutating func plan(_ row: BankPaymentRow) throws -> PaymentAllocator.Plan? {
        guard let ref = row.reference, let found = candidates[ref], !stored.contains(row.key),
              !found.contains(where: { touched.contains($0.invoiceID) }) else { return nil }
        if payments.isEmpty {
            nextPayment = try statements.nextPaymentID()
            nextAllocation = try statements.nextAllocationID()
        }
        let p = PaymentAllocator.Payment(id: nextPayment, date: row.date, currency: row.currency, remaining: row.amount,
                                         invoiceNumber: nil, reference: ref, debtorKey: nil, freeText: row.freeText,
                                         counterpartyIBAN: row.counterpartyIBAN, fromBank: true, booked: false)
        nextPayment += 1
        let plan = PaymentAllocator.apply(p, found, rule: ref.hasPrefix("RF") ? .rfReference : .structuredReference, reasonIfNone: nil)
        payments.append(PlannedBankPayment(id: p.id, row: row, unapplied: plan.unapplied, reason: plan.reason))
        for a in plan.allocations {
            if row.counterpartyIBAN != nil && learnFrom == nil { learnFrom = nextAllocation }
            allocations.append(PlannedAllocation(id: nextAllocation, paymentID: p.id, invoiceID: a.invoiceID, amount: a.amount, rule: a.rule))
            nextAllocation += 1
            // The row path refreshes from the look-up's figures with the allocation added (`PaymentAllocator.record`).
            guard let figures = a.candidate.figures(adding: a.amount, booked: false, batch: batch) else {
                throw StoreError.rowVanished(id: a.invoiceID, query: "the figures of a credit batch's candidate")
            }
            refreshes.append((a.invoiceID, figures, row.date))
            touched.insert(a.invoiceID)
        }
        return plan
    }

    /// Marks invoices the row path allocated to.
    mutating func touch(_ invoices: [Int64]) { touched.formUnion(invoices) }

    /// Writes what is kept: the payments, then the allocations, then the invoices' open amounts
    /// (each invoice at most once: a credit whose candidates were touched is not simple).
    mutating func flush() throws {
        guard !payments.isEmpty else { return }
        try statements.insertBankPayments(payments, source: source, batch: batch)
        try statements.insertAllocations(allocations, batch: batch)
        for r in refreshes.sorted(by: { $0.invoiceID < $1.invoiceID }) {
            try OpenAmount.refresh(statements, invoiceID: r.invoiceID, r.figures, closedOn: r.closedOn)
        }
        if let from = learnFrom { statements.learnPayerAccountsLater(fromAllocation: from) }
        payments.removeAll(keepingCapacity: true)
        allocations.removeAll(keepingCapacity: true)
        refreshes.removeAll(keepingCapacity: true)
        learnFrom = nil
    }
}
