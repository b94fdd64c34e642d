import Foundation
import GRDB
import Ledger
import Store
import Support

/// What Billing reads from each kind of file (`BillingFileKind`, in Store: contracts, usage or an index series).
extension BillingFileKind {
    /// Canonical columns, in the order the validators read them.
    var columns: [String] {
        switch self {
        case .contracts:
            ["contract_id", "debtor_id", "plan", "monthly_price", "currency", "activation_date", "price_adjusted_on",
             "index_series", "billing_day", "payment_terms_days", "index_floor", "status", "end_date",
             "vat_rate", "vat_exemption"]
        case .usage: ["contract_id", "month", "item", "quantity", "unit_price"]
        case .index: ["series", "month", "value"]
        }
    }

    var required: Set<String> {
        switch self {
        case .contracts: ["contract_id", "debtor_id", "plan", "monthly_price", "activation_date"]
        case .usage: ["contract_id", "month", "item", "quantity", "unit_price"]
        case .index: ["series", "month", "value"]
        }
    }
}

/// What reading one billing file did.
package struct BillingFileSummary: Sendable, Equatable {
    package var file: String
    package var read = 0
    package var imported = 0
    package var updated = 0
    package var unchanged = 0
    package var rejected = 0
    package var warnings = 0
    /// Why the whole file was refused.
    package var fatal: String?
    package var rejectsPath: String?
    /// A remark about the file as a whole (e.g. contracts whose indexed price was kept).
    package var note: String?

    package init(file: String) { self.file = file }

    /// True when rows or the file were refused (exit 65).
    package var hasRejects: Bool { rejected > 0 || fatal != nil }

    /// `{"file":…,"read":…,"imported":…,"updated":…,"unchanged":…,"rejected":…}`.
    package var json: String {
        var w = JSONWriter()
        w.beginObject()
        w.field("file", file)
        w.field("read", read)
        w.field("imported", imported)
        w.field("updated", updated)
        w.field("unchanged", unchanged)
        w.field("rejected", rejected)
        w.endObject()
        return w.text
    }
}

/// How to read billing files.
package struct BillingIngestOptions: Sendable {
    package var asOf: Day
    package var dryRun = false
    package var defaultCurrency = Currency.eur
    /// Where `<file>.rejects.csv` goes; nil: no rejects file.
    package var rejectsDirectory: String?
    package var runID: Int64?

    package init(asOf: Day) { self.asOf = asOf }
}

/// `relance ingest contracts|usage|index`: validates every row (file:line:column diagnostics, refused
/// rows verbatim in a rejects file) and upserts the valid ones by their business key, one
/// transaction per file. Re-reading the same file changes nothing.
package enum BillingIngest {
    /// Reads `files` of `kind` into the store.
    package static func run(
        store: LedgerStore, kind: BillingFileKind, files: [String], options: BillingIngestOptions, now: @escaping () -> Date = Date.init,
        report: @escaping (Diagnostic) -> Void
    ) throws -> [BillingFileSummary] {
        var summaries: [BillingFileSummary] = []
        for path in files {
            summaries.append(try file(store: store, kind: kind, path: path, options: options, now: now, report: report))
        }
        return summaries
    }

    static func file(
        store: LedgerStore, kind: BillingFileKind, path: String, options: BillingIngestOptions, now: @escaping () -> Date,
        report: @escaping (Diagnostic) -> Void
    ) throws -> BillingFileSummary {
        let name = (path as NSString).lastPathComponent
        var summary = BillingFileSummary(file: name)
        let started = Instant.string(now())
        let csv: BillingCSV
        do {
            csv = try BillingCSV(path: path, columns: kind.columns, required: kind.required) { line, column, message in
                summary.warnings += 1
                report(Diagnostic(file: name, line: line, column: column, severity: .warning, rule: "unknown-column", message: message))
            }
        } catch {
            report(Diagnostic(file: name, line: error.line, column: 0, rule: error.rule, message: error.message))
            summary.fatal = "[\(error.rule)] \(error.message)"
            return summary
        }
        summary.read = csv.records.count
        var rejected: [(line: Int, reasons: String, raw: [UInt8])] = []
        func reject(_ record: BillingCSV.Record, _ found: [Diagnostic]) {
            // In column order, as a reader scans the line (stable for two problems in one field).
            let problems = found.enumerated().sorted { ($0.element.column, $0.offset) < ($1.element.column, $1.offset) }.map(\.element)
            for p in problems { report(p) }
            rejected.append((record.line, problems.map { "[\($0.rule)] \($0.message)" }.joined(separator: "; "), record.raw))
        }
        let write: (Database) throws -> Void = { db in
            var batch = BillingIngestRecord(runId: options.runID, kind: kind, fileName: name, filePath: path,
                                            asOf: options.asOf.description, startedAt: started)
            if !options.dryRun { try batch.insert(db) }
            let batchID = batch.id
            var sink: any BillingRowSink
            switch kind {
            case .contracts: sink = try ContractSink(db: db, defaultCurrency: options.defaultCurrency)
            case .usage: sink = try UsageSink(db: db)
            case .index: sink = try IndexSink(db: db)
            }
            var keys: [String: Int] = [:]
            for record in csv.records {
                var fields = FieldReader(csv: csv, columns: kind.columns, record: record)
                if let key = sink.key(fields) {
                    if let first = keys[key] {
                        fields.problem(kind.columns[0], "duplicate-key", "\(key) already appears on line \(first); each key once per file")
                        reject(record, fields.problems)
                        continue
                    }
                    keys[key] = record.line
                }
                let outcome = try sink.store(&fields, batch: batchID, write: !options.dryRun)
                if fields.hasErrors {
                    reject(record, fields.problems)
                    continue
                }
                for w in fields.problems {
                    summary.warnings += 1
                    report(w)
                }
                switch outcome {
                case .imported: summary.imported += 1
                case .updated: summary.updated += 1
                case .unchanged: summary.unchanged += 1
                case .refused: break
                }
            }
            summary.rejected = rejected.count
            summary.note = sink.note
            if !options.dryRun {
                batch.fileBytes = Int64(csv.bytes)
                batch.fileHash = String(csv.hash, radix: 16)
                batch.finishedAt = Instant.string(now())
                batch.rowsRead = summary.read
                batch.rowsImported = summary.imported
                batch.rowsUpdated = summary.updated
                batch.rowsUnchanged = summary.unchanged
                batch.rowsRejected = summary.rejected
                try batch.update(db)
            }
        }
        if options.dryRun {
            // Validated inside a transaction that is rolled back, so the checks see the same data.
            try store.pool.write { db in
                try db.inSavepoint {
                    try write(db)
                    return .rollback
                }
            }
        } else {
            try store.pool.write(write)
        }
        if !rejected.isEmpty, !options.dryRun, let dir = options.rejectsDirectory {
            summary.rejectsPath = try BillingRejects.write(csv, rejected: rejected, directory: dir)
        }
        return summary
    }
}

/// What a sink did with one row.
enum RowResult { case imported, updated, unchanged, refused }

/// Validates and stores the rows of one kind of billing file.
protocol BillingRowSink {
    /// The row's business key as written (for duplicates within a file); nil when a part is missing.
    func key(_ fields: FieldReader) -> String?
    /// Checks the row (problems go to `fields`) and, when it is valid and `write` is set, stores it.
    mutating func store(_ fields: inout FieldReader, batch: Int64?, write: Bool) throws -> RowResult
    /// A remark for the file's summary.
    var note: String? { get }
}

/// FNV-1a 64 of a row's normalised values: tells an unchanged row from a changed one.
func contentHash(_ values: [String?]) -> Int64 {
    var h = FNV1a()
    for v in values {
        h.add(utf8: v ?? "\u{0}")
        h.add(0x1F)
    }
    return h.signed
}
