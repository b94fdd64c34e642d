import Billing
import Foundation
import GRDB
import Ingest
import Ledger
import RelanceTestSupport
import Store
import Testing
import Workspace

/// The shipped example files (`Examples/billing`).
let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Examples/billing").path

/// A fixed instant: no test reads the clock.
let fixedNow = Date(timeIntervalSince1970: 1_795_000_000)

/// A workspace in a temporary folder: a demo `relance.toml`, a migrated database, helpers to load
/// the examples and run the billing stage. Removed when released.
final class BillingWorkspace {
    let dir: String
    let workspace: Workspace
    var config: WorkspaceConfig
    let store: LedgerStore
    var diagnostics: [Diagnostic] = []

    init() throws {
        dir = NSTemporaryDirectory() + "relance-billing-" + UUID().uuidString
        workspace = Workspace(root: dir)
        try workspace.create(demo: true)
        config = try workspace.config()
        store = try LedgerStore(path: workspace.databasePath)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    /// Writes a file in the workspace and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let p = workspace.path(name)
        _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }

    /// Ingests debtors through the Ingest stage.
    func debtors(_ path: String = examples + "/debtors.csv") throws {
        var o = IngestOptions(kind: .debtors, asOf: Day(iso: "2026-12-01")!)
        o.rejectsDirectory = workspace.path("rejects")
        _ = try Ingestor.run(store: store, files: [path], options: o, now: { fixedNow }) { _ in }
    }

    /// Ingests one billing file; diagnostics are collected in `diagnostics`.
    @discardableResult
    func ingest(_ kind: BillingFileKind, _ path: String, dryRun: Bool = false) throws -> BillingFileSummary {
        var o = BillingIngestOptions(asOf: Day(iso: "2026-12-01")!)
        o.dryRun = dryRun
        o.rejectsDirectory = workspace.path("rejects")
        var seen: [Diagnostic] = []
        let s = try BillingIngest.run(store: store, kind: kind, files: [path], options: o, now: { fixedNow }) { seen.append($0) }
        diagnostics += seen
        return s[0]
    }

    /// Loads the example debtors, contracts, usage and index series.
    func loadExamples() throws {
        try debtors()
        for (kind, file) in [(BillingFileKind.contracts, "contracts.csv"), (.usage, "usage.csv"), (.index, "index.csv")] {
            let s = try ingest(kind, examples + "/" + file)
            #expect(s.rejected == 0 && s.fatal == nil, "\(file): \(diagnostics)")
        }
    }

    /// Runs a period.
    @discardableResult
    func run(_ period: String, dryRun: Bool = false, batchSize: Int = 500, interruptAfter: Int? = nil) throws -> BillingRunResult {
        var o = BillingRunOptions(period: Month(text: period)!)
        o.dryRun = dryRun
        o.batchSize = batchSize
        o.interruptAfter = interruptAfter
        return try BillingRun.run(store: store, workspace: workspace, config: config, options: o, now: { fixedNow })
    }

    /// Sets a debtor's invoice channel.
    func channel(_ debtor: String, _ c: InvoiceChannel, peppolID: String? = nil) throws {
        try InvoiceChannelSetting.set(store: store, debtor: debtor, channel: c, peppolID: peppolID, now: fixedNow)
    }

    func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try store.pool.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    func strings(_ sql: String, _ arguments: StatementArguments = []) throws -> [String] {
        try store.pool.read { db in try String.fetchAll(db, sql: sql, arguments: arguments) }
    }

    /// Every table row Billing writes, as text, to compare two states.
    func dump() throws -> String {
        try store.pool.read { db in
            var out: [String] = []
            for table in ["invoice", "billing_invoice", "billing_line", "billing_sequence", "contract", "outbox_message", "outbox_attachment",
                          "peppol_document"] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1, 2") {
                    out.append(table + ": " + row.description)
                }
            }
            return out.joined(separator: "\n")
        }
    }
}

/// The text of a PDF, read back with poppler's `pdftotext -layout`.
func pdfText(_ path: String) throws -> String {
    let r = try ProcessRunner.run("/usr/bin/pdftotext", ["-layout", path, "-"], timeout: 60)
    guard r.status == 0 else { throw ServerError("pdftotext exited \(r.status) on \(path): \(r.stderr)") }
    return r.stdout
}
