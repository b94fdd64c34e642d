import Foundation
import GRDB
import Ledger
import Store
import Support

/// A bank statement format Relance reads.
package enum BankFormat: String, Sendable, CaseIterable {
    case coda, camt
}

/// Reads bank statements (CODA, camt.053/054) into the ledger: each credit becomes a payment
/// (`source` = the format) matched to invoices by `PaymentAllocator`'s bank rules; debits and the
/// totals of globalised movements are not payments. A statement already imported (same account,
/// sequence and date, or camt statement id) adds nothing. A file that does not parse, or any of
/// whose statements fails its trailer or balance check, is refused whole.
package enum BankIngestor {
    /// Unapplied movements reported one by one per file; the rest are counted.
    static let maxNotes = 50

    /// Runs an ingest of statement files; `report` receives every diagnostic.
    package static func run(
        store: LedgerStore, files: [String], format: BankFormat, options: IngestOptions,
        now: @escaping @Sendable () -> Date = { Date() }, report: @escaping (Diagnostic) -> Void
    ) throws -> [FileSummary] {
        // Every file is read and checked whole before anything is written.
        let parsed = try files.map { try read($0, format: format, now: now, report: report) }
        let credits = parsed.reduce(0) { $0 + $1.credits }
        var summaries: [FileSummary] = []
        let ingest = { (db: Database) throws in
            // A bigger page cache while the statements are matched (160 MiB): fewer dirty pages spilled
            // to the WAL before the commit. 100,000 credits against 1M open invoices change ≈ 82,000
            // pages (the invoice table and its open-invoice index nearly whole); with 64 MiB (16,384
            // pages) SQLite spilled them, wrote frames again in place ≈ 175,000 times and read ≈ 172,000
            // back from the WAL. The cache grows only as far as the pages a run touches (a day's
            // statement: a few MB). The store's 32 MiB again after.
            try db.execute(sql: "PRAGMA cache_size = -163840")
            defer { try? db.execute(sql: LedgerStore.pageCacheSQL) }
            try db.inTransaction(.immediate) {
                for file in parsed {
                    summaries.append(try ingestFile(db, file, format: format, options: options, now: now, report: report))
                }
                // A queued reminder whose figures this ingest changed must not go out.
                if !options.dryRun { try options.reminderGuard?.cancelOutdatedReminders(db, at: now()) }
                return options.dryRun ? .rollback : .commit
            }
        }
        guard options.leavesWAL, credits >= options.leavesWALFromCredits else {
            try store.pool.writeWithoutTransaction(ingest)
            return summaries
        }
        // Large statements: a rollback journal instead of the WAL when nothing else has the database
        // open. Each page they change is then written once into the file, its old content once into
        // the journal, instead of into the WAL and again by the checkpoint (100,000 credits at scale 1:
        // wall 0.93).
        try RollbackJournalLoad.write(store.pool, ingest)
        return summaries
    }

    /// A statement file read and checked whole, nothing written: its statements, or the summary of
    /// why it cannot be imported (already reported).
    struct ParsedFile {
        var path: String
        var started: Date
        /// Its summary so far: the file's name and encoding, or why it cannot be imported (`fatal`).
        var summary: FileSummary
        var data = Data()
        var statements: [BankStatement] = []
        /// Its credits (movements of a positive amount, totals aside).
        var credits = 0
    }

    static func read(_ path: String, format: BankFormat, now: @Sendable () -> Date, report: (Diagnostic) -> Void) throws -> ParsedFile {
        let name = (path as NSString).lastPathComponent
        var file = ParsedFile(path: path, started: now(), summary: FileSummary(file: name))
        file.summary.encoding = format == .coda ? "windows-1252" : "xml"
        guard let data = FileManager.default.contents(atPath: path) else {
            file.summary.fatal = "cannot read the file"
            report(Diagnostic(file: name, line: 0, column: 0, rule: "unreadable", message: "cannot read the file"))
            return file
        }
        do {
            file.statements = format == .coda ? try CODAParser.parse(Array(data), fileName: name) : try CamtParser.parse(data)
            file.data = data
            file.credits = file.statements.reduce(0) { n, s in n + s.movements.reduce(0) { $0 + (!$1.isGlobalTotal && $1.amount > 0 ? 1 : 0) } }
        } catch let e as BankFileError {
            file.summary.fatal = e.message
            report(Diagnostic(file: name, line: e.line, column: 0, rule: e.rule, message: e.message + "; nothing from this file was imported"))
        }
        return file
    }

    static func ingestFile(_ db: Database, _ file: ParsedFile, format: BankFormat, options: IngestOptions,
                           now: @Sendable () -> Date, report: (Diagnostic) -> Void) throws -> FileSummary {
        var summary = file.summary
        if summary.fatal != nil { return summary }
        let (name, path, data, started, statements) = (summary.file, file.path, file.data, file.started, file.statements)
        // No savepoint of its own: the file is parsed and checked whole above, before anything is
        // written, and any error from here on rolls the command's transaction back whole. (A savepoint
        // made SQLite copy every existing page the file's matching changed into a statement journal.)
        var batch = IngestBatchRecord(runId: options.runID, kind: format.rawValue, fileName: name, filePath: path,
                                      encoding: summary.encoding ?? "", snapshot: false, asOf: options.asOf.description,
                                      startedAt: Instant.string(started))
        try batch.insert(db)
        let batchID = batch.id ?? 0
        // The open-amount writes of a large file's credits wait, and go in invoice order at its end.
        let allocator = PaymentAllocator(db: db, defersOpenStates: file.credits >= options.defersOpenStatesFrom)
        allocator.deferred?.limit = options.deferredOpenStatesLimit
        var debits = 0
        var known = 0
        for s in statements {
            // A movement's place in its statement is part of its identity: sequence numbers wrap at 9999.
            let payments = s.movements.enumerated().filter { !$0.element.isGlobalTotal && $0.element.amount > 0 }
                .map { (offset, m) -> BankMovement in var m = m; m.key = "\(offset + 1)/" + m.key; return m }
            debits += s.movements.filter { !$0.isGlobalTotal && $0.amount < 0 }.count
            summary.read += payments.count
            if try IngestQueries.bankStatementExists(db, key: s.key) {
                summary.unchanged += payments.count
                known += 1
                continue
            }
            let statementID = try IngestCommands.insertBankStatement(db, BankStatementRow(
                format: format.rawValue, key: s.key, account: s.account, currency: s.currency.code, date: s.date?.description,
                oldBalance: s.oldBalance, newBalance: s.newBalance, movements: s.movements.filter { !$0.isGlobalTotal }.count,
                credits: payments.count), batch: batchID)
            for m in payments {
                let reference = normalisedReference(m)
                // Where the credit goes is found first (nothing is written), so its payment is stored
                // once with what stays unapplied, then its allocations.
                var payment = PaymentAllocator.Payment(
                    id: 0, date: m.bookingDate.description, currency: s.currency.code, remaining: m.amount, invoiceNumber: nil,
                    reference: reference, debtorKey: nil, freeText: m.freeText, counterpartyIBAN: m.counterpartyIBAN,
                    fromBank: true, booked: false)
                let plan = try allocator.plan(payment)
                guard let id = try allocator.statements.insertBankPayment(BankPaymentRow(
                    key: s.key + "/" + m.key, date: m.bookingDate.description, currency: s.currency.code, amount: m.amount,
                    reference: reference, statementID: statementID, counterpartyIBAN: m.counterpartyIBAN,
                    counterpartyName: m.counterpartyName, freeText: m.freeText), source: format.rawValue, batch: batchID,
                    unapplied: plan.unapplied, reason: plan.reason)
                else { summary.unchanged += 1; continue }
                summary.imported += 1
                payment.id = id
                try allocator.record(plan, of: payment, batch: batchID)
                let (left, reason) = (plan.unapplied, plan.reason)
                if left > 0 {
                    summary.unapplied += 1
                    let money = { (v: Int64) in Money(minorUnits: v, currency: s.currency).decimalString }
                    if summary.unapplied == Self.maxNotes + 1 {
                        report(Diagnostic(file: name, line: m.line, column: 0, severity: .note, rule: "unapplied",
                                          message: "more unapplied movements not shown; see `relance payments unapplied`"))
                    }
                    if summary.unapplied <= Self.maxNotes { report(Diagnostic(file: name, line: m.line, column: 0, severity: .note, rule: "unapplied",
                                      message: "movement \(m.key) of \(money(m.amount)) left \(money(left)) unapplied: \(reason ?? "")")) }
                }
            }
        }
        try allocator.deferred?.flush(allocator.statements)
        var parts = ["\(statements.count) statement(s)"]
        if known > 0 { parts.append("\(known) already imported") }
        if debits > 0 { parts.append("\(debits) debit(s), not payments") }
        summary.note = parts.joined(separator: ", ")
        batch.rowsRead = summary.read
        batch.rowsImported = summary.imported
        batch.rowsUnchanged = summary.unchanged
        batch.fileBytes = Int64(data.count)
        // Over the bytes in place: through `Data`'s iterator, one call a byte, this was 6 % of a CODA ingest.
        var hash = FNV1a()
        data.withUnsafeBytes { hash.add($0.bindMemory(to: UInt8.self)) }
        batch.fileHash = "fnv1a64:" + String(hash.value, radix: 16)
        batch.finishedAt = Instant.string(now())
        try batch.update(db)
        return summary
    }

    /// The movement's reference as invoices store it: 12 OGM digits, or an RF reference.
    static func normalisedReference(_ m: BankMovement) -> String? {
        if let o = m.ogm, let r = try? StructuredReference(parsing: o) { return r.digits }
        if let rf = m.rf, let r = try? CreditorReference(parsing: rf) { return r.value }
        // A free text that is nothing but a structured communication counts as one.
        if let t = m.freeText, let r = try? StructuredReference(parsing: t) { return r.digits }
        return nil
    }
}
