import Foundation
import GRDB
import Ingest
import Ledger
import RelanceTestSupport
import Store
import Testing

/// The fixtures folder beside this file.
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

func fixture(_ name: String) -> String { (fixtures as NSString).appendingPathComponent(name) }

/// A fresh workspace-like folder with a migrated database (a `TemporaryStore`), removed with the value.
final class TestLedger {
    private let temporary: TemporaryStore
    var dir: String { temporary.dir }
    var store: LedgerStore { temporary.store }
    var diagnostics: [Diagnostic] = []

    init() throws { temporary = try TemporaryStore("test") }

    var rejectsDir: String { dir + "/rejects" }

    /// Writes a file in the test folder and returns its path.
    func write(_ name: String, _ bytes: [UInt8]) -> String { temporary.write(name, bytes) }

    func write(_ name: String, _ text: String) -> String { temporary.write(name, text) }

    @discardableResult
    func ingest(_ kind: IngestKind, _ files: [String], asOf: String = "2026-11-21", mapping: Mapping? = nil,
                snapshot: Bool = false, dryRun: Bool = false, booked: Bool = false, recogniseUnchanged: Bool = true,
                appendsTogether: Bool = true, setsReferencesAside: Bool = true, leavesWAL: Bool = true,
                setsPaymentIndexesAside: Bool = true,
                progress: (@Sendable (String, Int, Int) -> Void)? = nil) throws -> [FileSummary]
    {
        var o = IngestOptions(kind: kind, asOf: Day(iso: asOf)!)
        o.leavesWAL = leavesWAL
        o.progress = progress
        o.recogniseUnchanged = recogniseUnchanged
        o.appendsTogether = appendsTogether
        o.setsReferencesAside = setsReferencesAside
        o.setsPaymentIndexesAside = setsPaymentIndexesAside
        o.mapping = mapping
        o.snapshot = snapshot
        o.dryRun = dryRun
        o.booked = booked
        o.rejectsDirectory = rejectsDir
        var seen: [Diagnostic] = []
        // Kept when the load fails too (what it said before failing).
        defer { diagnostics += seen }
        return try Ingestor.run(store: store, files: files, options: o, now: { Date(timeIntervalSince1970: 1_795_000_000) }) {
            seen.append($0)
        }
    }

    @discardableResult
    func ingestBank(_ format: BankFormat, _ files: [String], dryRun: Bool = false, defersOpenStates: Bool = true,
                    deferredOpenStatesLimit: Int? = nil, leavesWAL: Bool = false) throws -> [FileSummary] {
        var o = IngestOptions(kind: .payments, asOf: Day(iso: "2026-11-21")!)
        o.dryRun = dryRun
        // In the WAL, as a day's statement is, unless the test compares with a large one's rollback journal.
        o.leavesWALFromCredits = leavesWAL ? 0 : Int.max
        // Whatever the file's size: the bank tests run the waiting writes (the last one compares both ways).
        o.defersOpenStatesFrom = defersOpenStates ? 0 : Int.max
        if let deferredOpenStatesLimit { o.deferredOpenStatesLimit = deferredOpenStatesLimit }
        var seen: [Diagnostic] = []
        let r = try BankIngestor.run(store: store, files: files, format: format, options: o) { seen.append($0) }
        diagnostics += seen
        return r
    }

    @discardableResult
    func ingestUBL(_ paths: [String]) throws -> [FileSummary] {
        let o = IngestOptions(kind: .invoices, asOf: Day(iso: "2026-11-21")!)
        var seen: [Diagnostic] = []
        let r = try UBLIngestor.run(store: store, paths: paths, options: o) { seen.append($0) }
        diagnostics += seen
        return r
    }

    func errors(rule: String) -> [Diagnostic] { diagnostics.filter { $0.rule == rule && $0.severity == .error } }

    func invoice(_ number: String) throws -> InvoiceRecord? {
        try store.pool.read { db in try InvoiceRecord.filter(Column("invoice_number") == number).fetchOne(db) }
    }

    func debtor(_ key: String) throws -> DebtorRecord? {
        try store.pool.read { db in try DebtorRecord.filter(Column("debtor_key") == key).fetchOne(db) }
    }

    func count(_ sql: String) throws -> Int { try store.pool.read { db in try Int.fetchOne(db, sql: sql) ?? 0 } }

    /// Debtors K001–K005 from the Dutch fixture.
    func withDebtors() throws -> TestLedger {
        try ingest(.debtors, [fixture("debtors-nl.csv")])
        diagnostics.removeAll()
        return self
    }
}

/// Two ledgers fed the same files by two paths: `subject` with the path under test, `reference`
/// without it. A suite subclasses it to name the two and say how each one ingests.
class TwinLedgers {
    let subject: TestLedger
    let reference: TestLedger
    private let dump: (TestLedger) throws -> [String]

    /// Two ledgers made by `make` (debtors K001–K005 by default); `dump` gives the stored rows to compare.
    init(_ make: () throws -> TestLedger = { try TestLedger().withDebtors() }, dump: @escaping (TestLedger) throws -> [String])
        throws
    {
        subject = try make()
        reference = try make()
        self.dump = dump
    }

    /// Writes `files` (name, text) into both and runs `load` on each (`isSubject` true for `subject`);
    /// expects the same summaries, diagnostics, rejects files and `dump`; returns the subject's summaries.
    @discardableResult
    /// `diagnosticsInAnyOrder`: the reading thread's and the writing thread's diagnostics interleave as
    /// the threads run (files of many rows), so they are compared sorted.
    func ingestBoth(_ files: [(String, String)], diagnosticsInAnyOrder: Bool = false, sourceLocation: SourceLocation = #_sourceLocation,
                    _ load: (_ ledger: TestLedger, _ paths: [String], _ isSubject: Bool) throws -> [FileSummary]) throws -> [FileSummary]
    {
        subject.diagnostics.removeAll()
        reference.diagnostics.removeAll()
        let a = try load(subject, files.map { subject.write($0.0, $0.1) }, true)
        let b = try load(reference, files.map { reference.write($0.0, $0.1) }, false)
        #expect(a.map(\.comparable) == b.map(\.comparable), sourceLocation: sourceLocation)
        let (ours, theirs) = (subject.diagnostics.map(\.description), reference.diagnostics.map(\.description))
        #expect(diagnosticsInAnyOrder ? ours.sorted() == theirs.sorted() : ours == theirs, sourceLocation: sourceLocation)
        for (name, _) in files {
            let rejects = "/\(name).rejects.csv"
            #expect((try? String(contentsOfFile: subject.rejectsDir + rejects, encoding: .utf8))
                    == (try? String(contentsOfFile: reference.rejectsDir + rejects, encoding: .utf8)), sourceLocation: sourceLocation)
        }
        #expect(try dump(subject) == dump(reference), sourceLocation: sourceLocation)
        return a
    }
}
