import Foundation
import GRDB
import Ledger
import Store

/// Reads Peppol BIS Billing 3.0 UBL invoices and credit notes (files, or folders of `.xml` files):
/// the buyer becomes a debtor (or, found by its VAT number, fills what the existing debtor lacks)
/// and the document an invoice with `source = 'ubl'`, dunned like any other. A document that is
/// not a usable invoice is refused with the XPath of the problem; the same file twice adds nothing.
package enum UBLIngestor {
    /// Runs an ingest; one summary per argument (a folder counts its files).
    package static func run(
        store: LedgerStore, paths: [String], options: IngestOptions, now: @escaping @Sendable () -> Date = { Date() },
        report: @escaping (Diagnostic) -> Void
    ) throws -> [FileSummary] {
        var summaries: [FileSummary] = []
        try store.pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                var debtors = try DebtorSink(db: db, defaultLanguage: options.defaultLanguage, defaultCountry: options.defaultCountry)
                var invoices = try InvoiceSink(db: db, asOf: options.asOf)
                invoices.source = .ubl
                var lastBatch: Int64? = nil
                for path in paths {
                    let files = try documents(at: path)
                    var summary = FileSummary(file: (path as NSString).lastPathComponent)
                    summary.encoding = "xml"
                    var batch = IngestBatchRecord(runId: options.runID, kind: "ubl", fileName: summary.file, filePath: path,
                                                  encoding: "xml", snapshot: false, asOf: options.asOf.description,
                                                  startedAt: Instant.string(now()))
                    try batch.insert(db)
                    let batchID = batch.id ?? 0
                    lastBatch = batchID
                    for file in files {
                        summary.read += 1
                        let name = (file as NSString).lastPathComponent
                        var outcome: RowOutcome
                        // Each document under its own savepoint: a conflict with another one is that file's
                        // diagnostic, never a database error that stops the others.
                        try db.execute(sql: "SAVEPOINT ubl_document")
                        do {
                            outcome = try ingest(db, file: file, name: name, debtors: &debtors, invoices: &invoices,
                                                 batch: batchID, report: report)
                        } catch let p as UBLDocument.Problem {
                            report(Diagnostic(file: name, line: 0, column: 0, rule: "ubl", message: p.description))
                            outcome = .rejected
                        } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT {
                            report(Diagnostic(file: name, line: 0, column: 0, rule: "ubl-conflict",
                                              message: "conflicts with a document already in the ledger (\(e.message ?? "constraint")); "
                                                + "this file was not imported, the others were"))
                            outcome = .rejected
                        }
                        if outcome == .rejected {
                            try db.execute(sql: "ROLLBACK TO ubl_document")
                        }
                        try db.execute(sql: "RELEASE ubl_document")
                        switch outcome {
                        case .imported: summary.imported += 1
                        case .updated: summary.updated += 1
                        case .unchanged: summary.unchanged += 1
                        case .rejected: summary.rejected += 1
                        }
                    }
                    batch.rowsRead = summary.read
                    batch.rowsImported = summary.imported
                    batch.rowsUpdated = summary.updated
                    batch.rowsUnchanged = summary.unchanged
                    batch.rowsRejected = summary.rejected
                    batch.finishedAt = Instant.string(now())
                    try batch.update(db)
                    summaries.append(summary)
                }
                if let last = lastBatch { try PaymentAllocator(db: db).retryUnapplied(batch: last) }
                // A queued reminder whose figures this ingest changed must not go out.
                if !options.dryRun { try options.reminderGuard?.cancelOutdatedReminders(db, at: now()) }
                return options.dryRun ? .rollback : .commit
            }
        }
        return summaries
    }

    /// The XML files a path names: the file itself, or a folder's `.xml` files in name order.
    static func documents(at path: String) throws -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return [path] }
        guard isDir.boolValue else { return [path] }
        return try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.lowercased().hasSuffix(".xml") }.sorted()
            .map { (path as NSString).appendingPathComponent($0) }
    }

    static func ingest(_ db: Database, file: String, name: String, debtors: inout DebtorSink, invoices: inout InvoiceSink,
                       batch: Int64, report: (Diagnostic) -> Void) throws -> RowOutcome {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw UBLDocument.Problem(xpath: "/", message: "cannot read the file")
        }
        let inv = try UBLInvoice(UBLDocument.parse(data))
        for w in inv.warnings { report(Diagnostic(file: name, line: 0, column: 0, severity: .warning, rule: "ubl", message: w)) }
        if let n = inv.dueNote { report(Diagnostic(file: name, line: 0, column: 0, severity: .note, rule: "due-date", message: n)) }
        let b = inv.buyer
        // A debtor the books already know by its VAT number keeps its own key and data; only gaps are filled.
        let debtorID: Int64
        if let vat = b.vat, let id = try IngestQueries.debtorID(db, vatNumber: vat) {
            try IngestCommands.fillDebtorGaps(db, id: id, email: b.email, street: b.street, postalCode: b.postalCode, city: b.city,
                                              phone: b.phone)
            debtorID = id
        } else {
            let v = DebtorSink.Values(key: b.key, name: b.name, kind: "b2b", vat: b.vat, email: b.email,
                                      language: debtors.validator.defaultLanguage, street: b.street, postal: b.postalCode,
                                      city: b.city, country: b.country, phone: b.phone, terms: nil, onHold: false)
            _ = try debtors.store(v, batch: batch)
            guard let id = try IngestQueries.debtorID(db, key: b.key) else {
                throw UBLDocument.Problem(xpath: "/", message: "the buyer could not be stored")
            }
            debtorID = id
        }
        let type: InvoiceType = inv.isCreditNote ? .creditNote : .invoice
        let buyerKey = try IngestQueries.debtorKey(db, id: debtorID) ?? ""
        if let other = try IngestQueries.invoiceTypeAndDebtor(db, number: inv.number), other.type != type || other.debtorKey != buyerKey {
            throw UBLDocument.Problem(xpath: "/*/cbc:ID", message: "document number \"\(inv.number)\" is already in the ledger as "
                + "\(other.type == .creditNote ? "a credit note" : "an invoice") of debtor \(other.debtorKey); this "
                + "\(inv.isCreditNote ? "credit note" : "invoice") cannot share it (numbers are unique across invoices and credit notes)")
        }
        let values = InvoiceSink.Values(
            number: inv.number, debtorID: debtorID, type: type, issue: inv.issue,
            due: inv.due, currency: inv.currency, amount: inv.amount, reportedOpen: inv.payable, reference: inv.reference,
            description: inv.description, disputed: false)
        return try invoices.store(values, batch: batch).0
    }
}
