import Foundation
import GRDB
import Ledger
import Store

/// Settings of one ingest command.
package struct IngestOptions: Sendable {
    package var kind: IngestKind
    package var mapping: Mapping?
    /// The files' encoding as the user declared it (`--encoding`): wins over the mapping's and over detection.
    package var encoding: TextEncoding?
    /// The files are the complete list of open items (invoices only).
    package var snapshot = false
    /// Validate and report, write nothing.
    package var dryRun = false
    /// Payments only: they come from the accounting system whose invoice exports already reflect
    /// them (its payment register), not from the bank.
    package var booked = false
    /// The business day of this ingest (closing dates of snapshot and fully paid invoices).
    package var asOf: Day
    /// Days after an "expected payment date" before the ladder resumes (`[dunning] promise_grace_days`).
    package var promiseGraceDays = 3
    package var defaultLanguage = "nl"
    package var defaultCountry = "BE"
    package var defaultCurrency = Currency.eur
    /// Where `<file>.rejects.csv` files go; nil writes none.
    package var rejectsDirectory: String?
    /// The run-ledger row this ingest belongs to.
    package var runID: Int64?
    /// Told now and then how far the reading of a CSV file is: its name, bytes read, its size.
    package var progress: (@Sendable (_ file: String, _ bytesRead: Int, _ size: Int) -> Void)?
    /// Dunning's rule that cancels queued reminders this ingest made outdated, run in its
    /// transaction (set by the caller, which imports Dunning); nil checks none. A dry run cancels nothing.
    package var reminderGuard: (any OutdatedReminderCancelling)?
    /// Invoices: a row whose bytes (`RowFingerprint`) are those its stored invoice was last read
    /// from is counted unchanged without being read again. Tests turn it off to compare the outcome
    /// with the full check's.
    package var recogniseUnchanged = true
    /// Invoices or payments, first load: new rows are appended many to a statement (`InvoiceAppend`;
    /// for payments, with `setsPaymentIndexesAside`, their allocations too: `PaymentAppend`). Tests turn
    /// it off to compare the outcome with one statement a row.
    package var appendsTogether = true
    /// Invoices, first load: foreign-key enforcement is set aside for the transaction and every
    /// reference is checked by sets before it commits (`ForeignKeysSetAside`). Tests turn it off to
    /// compare the outcome with enforcement on.
    package var setsReferencesAside = true
    /// Invoices or payments, first load (their table empty), and bank statements from
    /// `leavesWALFromCredits`: the transaction uses a rollback journal
    /// instead of the WAL when no other connection has the database open (`RollbackJournalLoad`: new
    /// pages written once, not into the WAL and then by the checkpoint; for payments, the invoice pages
    /// their allocations change are copied once into the journal). Tests turn it off to compare the
    /// outcome with a load in WAL mode.
    package var leavesWAL = true
    /// Payments, first load (the `payment` table empty): the secondary indexes of `payment` and
    /// `payment_allocation` that cost more to keep than to build are built once after the rows
    /// (`DeferredIndexes`), and no row is looked up by its key first. Tests turn it off to compare
    /// the outcome with a load that keeps them all.
    package var setsPaymentIndexesAside = true
    /// Bank statements: from this many credits in a file, the open-amount writes of its credits wait
    /// and go in invoice order at its end (`DeferredOpenStates`). Below it the pages they change fit the
    /// bank ingest's page cache, and waiting only costs its bookkeeping (10,000 credits at scale 0.1:
    /// 2.8 % more instructions). Tests set 0 (always) or `Int.max` (never) to compare the outcomes.
    package var defersOpenStatesFrom = 20_000
    /// Bank statements: from this many credits in the command's files (and with `leavesWAL`), its
    /// transaction uses a rollback journal instead of the WAL when no other connection has the
    /// database open (`RollbackJournalLoad`): each page the credits change is written once into the
    /// file and its old content once into the journal, instead of into the WAL and again by the
    /// checkpoint. Tests set 0 (always) or `Int.max` (never) to compare the outcomes.
    package var leavesWALFromCredits = 20_000
    /// Bank statements whose open-amount writes wait: once this many invoices wait, all are written
    /// (in invoice order) and the file goes on, so a huge file's memory stays bounded. Tests set a
    /// few to compare the outcome with the default.
    package var deferredOpenStatesLimit = DeferredOpenStates.defaultLimit

    package init(kind: IngestKind, asOf: Day) {
        self.kind = kind
        self.asOf = asOf
    }
}

/// What happened to one input file. `read`, `imported`, `updated`, `unchanged`, `rejected` and
/// `file` are the JSON summary's keys.
package struct FileSummary: Sendable, Equatable {
    package var file: String
    package var read = 0
    package var imported = 0
    package var updated = 0
    package var unchanged = 0
    package var rejected = 0
    /// Open invoices closed because the snapshot did not list them (counted on the last file).
    package var closedBySnapshot = 0
    /// Payments left (partly) unapplied.
    package var unapplied = 0
    package var warnings = 0
    /// Of `unchanged`, the rows recognised from their bytes without being read again
    /// (`RowFingerprint`); not part of the JSON summary.
    package var unchangedByFingerprint = 0
    /// Set when the whole file was refused (nothing of it kept).
    package var fatal: String?
    package var rejectsPath: String?
    package var encoding: String?
    package var delimiter: String?
    /// A line of context for people (statements read, debits skipped…), not part of the JSON.
    package var note: String?

    package init(file: String) { self.file = file }

    /// True when a row or the file was refused.
    package var hasRejects: Bool { rejected > 0 || fatal != nil }
}

/// Reads debtors, invoices or payments from CSV exports into the ledger.
///
/// All files of one call are one transaction: good rows are kept, bad rows are reported as
/// diagnostics and written verbatim to the rejects file, and a file that cannot be read as CSV
/// at all imports nothing while the other files still commit. A dry run rolls everything back.
///
/// The files are read without a savepoint each: inside a transaction, a savepoint makes SQLite
/// copy the old image of every existing page it changes into a statement journal (a temporary
/// file), once per savepoint; an ingest into a large ledger changes index pages all over it (the
/// night's six invoice files: 697 MB of such copies beside 614 MB of WAL). A file refused whole
/// (`CSVFileError`: encoding, structure, a fatal rule) instead rolls the whole transaction back,
/// and the command runs again without that file (`FileRefused`): the files before it are read
/// again, their diagnostics not reported twice (they are the same, from the same state); the
/// refused file keeps the summary and diagnostics of its first reading. That path is rare and
/// costs at most one more reading of the call's good files per refused file.
package enum Ingestor {
    /// Runs an ingest; `report` receives every diagnostic as it is found.
    package static func run(
        store: LedgerStore, files: [String], options: IngestOptions, now: @escaping @Sendable () -> Date = { Date() },
        report: @escaping (Diagnostic) -> Void
    ) throws -> [FileSummary] {
        // The files refused whole so far, by their place in `files`, with their summaries; and how
        // many files, from the first, have had their diagnostics reported.
        var refused: [Int: FileSummary] = [:]
        var reported = 0
        while true {
            do {
                return try attempt(store: store, files: files, options: options, now: now, report: report,
                                   refused: refused, reported: &reported)
            } catch let r as FileRefused {
                // The transaction is rolled back: again, without this file.
                refused[r.index] = r.summary
            }
        }
    }

    /// One run of the command's transaction, the files in `refused` left out (their summaries kept).
    /// A first load of invoices or payments leaves the WAL for its transaction (`RollbackJournalLoad`) when nothing
    /// else has the database open: this pool's idle readers are closed, and its reads wait for the load
    /// (GRDB's barrier), so that SQLite lets the writer switch.
    private static func attempt(
        store: LedgerStore, files: [String], options: IngestOptions, now: @escaping @Sendable () -> Date,
        report: @escaping (Diagnostic) -> Void, refused: [Int: FileSummary], reported: inout Int
    ) throws -> [FileSummary] {
        // A first load of invoices or of payments (their tables empty): new pages written once.
        let table: RecordEntity? = switch options.kind {
        case .invoices: .invoice
        case .payments: .payment
        case .debtors: nil
        }
        guard options.leavesWAL, let table,
              try store.pool.writeWithoutTransaction({ try RollbackJournalLoad.applies($0, emptyTable: table) }) else {
            return try store.pool.writeWithoutTransaction { db in
                try attempt(db, files: files, options: options, now: now, report: report, refused: refused, reported: &reported)
            }
        }
        // WAL again whatever happens (after the transaction and the foreign keys' restore).
        return try RollbackJournalLoad.write(store.pool, emptyTable: table) { db in
            try attempt(db, files: files, options: options, now: now, report: report, refused: refused, reported: &reported)
        }
    }

    /// The command's transaction on the writer's connection (outside a transaction when called).
    private static func attempt(
        _ db: Database, files: [String], options: IngestOptions, now: @escaping @Sendable () -> Date,
        report: @escaping (Diagnostic) -> Void, refused: [Int: FileSummary], reported: inout Int
    ) throws -> [FileSummary] {
        var summaries: [FileSummary] = []
        do {
            // A first load of invoices: no parent look-up a row; the check below stands in for them
            // (`PRAGMA foreign_keys` changes only outside a transaction). On again whatever happens.
            let references = options.kind == .invoices && options.setsReferencesAside
                ? try ForeignKeysSetAside.setAside(db, emptyTable: .invoice) : nil
            defer { references?.restore(db) }
            try db.inTransaction(.immediate) {
                var seen = KeySet()
                // A first load into an empty table builds its secondary indexes once at the end.
                let deferred: DeferredIndexes
                switch options.kind {
                case .debtors: deferred = try DeferredIndexes.setAside(db, table: .debtor)
                case .invoices: deferred = try DeferredIndexes.setAside(db, table: .invoice)
                case .payments:
                    deferred = options.setsPaymentIndexesAside ? try DeferredIndexes.setAside(db, table: .payment) : .none
                }
                // A first load of debtors or invoices only appends: the store's 32 MiB (and 2 MiB for
                // its index builds, whose sorter keeps a cache's worth of keys in memory:
                // `DeferredIndexes.rebuild`), and its parents read through a mapping of the file.
                // Any other load, and a first load of payments (each row looks its invoices up by
                // reference or number), a bigger page cache for its index look-ups (64 MiB).
                let appendsOnly = options.kind != .payments && !deferred.dropped.isEmpty
                try db.execute(sql: appendsOnly ? LedgerStore.pageCacheSQL : "PRAGMA cache_size = -65536")
                // The store's own size again afterwards: the nightly's later stages share this connection.
                defer { try? db.execute(sql: LedgerStore.pageCacheSQL) }
                if appendsOnly { try deferred.readsFromFile(db, true) }
                defer { if appendsOnly { try? deferred.readsFromFile(db, false) } }
                // Each kind's sink by its concrete type, so the generic reading and storing code is
                // specialised for it (an existential sink ran both threads through witness tables).
                switch options.kind {
                case .debtors:
                    var sink = try DebtorSink(db: db, defaultLanguage: options.defaultLanguage, defaultCountry: options.defaultCountry)
                    if let batch = try load(db, files: files, options: options, now: now, report: report, sink: &sink,
                                            seen: &seen, summaries: &summaries, deferred: deferred,
                                            refused: refused, reported: &reported) {
                        try sink.finish(batch: batch)
                    }
                case .invoices:
                    var sink = try InvoiceSink(db: db, asOf: options.asOf)
                    sink.promiseGraceDays = options.promiseGraceDays
                    // Only against a table that had rows: a first load has nothing to compare with.
                    sink.checksUnchanged = options.recogniseUnchanged && deferred.dropped.isEmpty
                    // A first load: every row is new, appended many to a statement (`InvoiceAppend`).
                    sink.appendsOnly = options.appendsTogether && !deferred.dropped.isEmpty
                    if let batch = try load(db, files: files, options: options, now: now, report: report, sink: &sink,
                                            seen: &seen, summaries: &summaries, deferred: deferred,
                                            refused: refused, reported: &reported) {
                        sink.closeMissing = options.snapshot && !summaries.contains { $0.fatal != nil }
                        try sink.finish(batch: batch, listed: seen)
                        if sink.closedBySnapshot > 0, let i = summaries.lastIndex(where: { $0.fatal == nil }) {
                            summaries[i].closedBySnapshot = sink.closedBySnapshot
                            try IngestCommands.setClosedBySnapshot(db, batch: batch, count: sink.closedBySnapshot)
                        }
                    }
                case .payments:
                    var sink = try PaymentSink(db: db, booked: options.booked)
                    // A first load: every row that reaches the sink is new (the key set refused
                    // repeated keys), so none is looked up by its key before its insert.
                    sink.insertsOnly = !deferred.dropped.isEmpty
                    // …and appended many to a statement with their allocations (`PaymentAppend`).
                    sink.appendsOnly = options.appendsTogether && sink.insertsOnly
                    if let batch = try load(db, files: files, options: options, now: now, report: report, sink: &sink,
                                            seen: &seen, summaries: &summaries, deferred: deferred,
                                            refused: refused, reported: &reported) {
                        try sink.finish(batch: batch)
                    }
                }
                // A queued reminder whose figures this ingest changed must not go out.
                if !options.dryRun { try options.reminderGuard?.cancelOutdatedReminders(db, at: now()) }
                // Last before the commit: what enforcement would have refused fails the whole load.
                try references?.check(db)
                return options.dryRun ? .rollback : .commit
            }
        }
        return summaries
    }

    /// Reads every file into `sink` but those `refused` (whose summaries take their places), then
    /// builds the deferred indexes; returns the last accepted file's batch (nil when every file was
    /// refused whole). A file refused now throws `FileRefused`. Diagnostics of the first `reported`
    /// files are not reported again; `reported` grows as files are read.
    private static func load<S: RowSink>(
        _ db: Database, files: [String], options: IngestOptions, now: @escaping @Sendable () -> Date,
        report: @escaping (Diagnostic) -> Void, sink: inout S, seen: inout KeySet, summaries: inout [FileSummary],
        deferred: DeferredIndexes, refused: [Int: FileSummary], reported: inout Int
    ) throws -> Int64? {
        var fileNames: [String] = []
        var lastBatch: Int64? = nil
        for (index, path) in files.enumerated() {
            fileNames.append((path as NSString).lastPathComponent)
            if let summary = refused[index] {
                summaries.append(summary)
                continue
            }
            let quiet = index < reported
            if !quiet { reported = index + 1 }
            let file = FileIngest(db: db, path: path, options: options, now: now, report: quiet ? { _ in } : report)
            let (summary, batch) = try file.run(sink: &sink, seen: &seen, fileIndex: index, fileNames: fileNames)
            summaries.append(summary)
            lastBatch = batch
        }
        try deferred.readsFromFile(db, false)
        try deferred.rebuild(db)
        return lastBatch
    }
}
