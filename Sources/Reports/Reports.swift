import Foundation
import GRDB
import Ledger
import Store
import Support

/// The five finance reports.
package enum ReportKind: String, Sendable, CaseIterable {
    case aging, forecast, dunning, outbox, worklist
}

/// Output formats of a report.
package enum ReportFormat: String, Sendable, CaseIterable, Hashable {
    /// One self-contained file: inline CSS and SVG, no scripts, printable on A4.
    case html
    case csv
    case json

    /// The file name extension.
    package var fileExtension: String { rawValue }
}

/// How CSV is written.
package enum CSVDialect: String, Sendable, CaseIterable {
    /// For machines (RFC 4180): `,` between fields, `.` as the decimal point, LF line ends, no
    /// BOM, the report's tables in blocks in one file, snake_case headers.
    case standard = "plain"
    /// What a Belgian Excel opens with a double-click (the default): `;`, decimal comma, CRLF,
    /// UTF-8 BOM, one table per file, headers in the workspace language, days as `21/11/2026`.
    case excelBE = "excel"

    /// `plain` or `excel`; the older names `standard` and `excel-be` too.
    package init?(name: String) {
        switch name {
        case "plain", "standard": self = .standard
        case "excel", "excel-be": self = .excelBE
        default: return nil
        }
    }
}

/// Settings that are the same for every report of a run.
package struct ReportOptions: Sendable {
    /// The CSV dialect.
    package var csvDialect: CSVDialect
    /// Rows in "top" tables (top debtors, who to call first) and at most this many rows of a
    /// long list in HTML; CSV and JSON hold every row.
    package var topRows: Int
    /// The instant the report is made (shown in the footer; the outbox's ages are measured to it).
    package var generatedAt: Date
    /// The company name shown in the header; nil shows none.
    package var company: String?
    /// The workspace language (nl, fr, de, en): numbers and dates in its Belgian conventions in
    /// HTML, Excel CSV headers in it.
    package var language: String
    /// Where the debtor pages are, relative to the reports (`debtors/`): names in the worklist
    /// and the top debtors link there. Nil links nowhere (a single report has no debtor pages).
    package var debtorPages: String? = nil
    /// Collects the debtors the HTML reports link to (set by `writeMorning`), so each gets its page.
    var linkedDebtors: LinkedDebtors? = nil
    /// The aging buckets and sales the morning's snapshot summed (set by `writeMorning`), so the
    /// aging report does not walk the ledger for them a second time.
    var night: NightFigures? = nil

    /// Options of a run; `language` nl, fr, de or en (anything else is English).
    package init(csvDialect: CSVDialect = .excelBE, topRows: Int = 25, generatedAt: Date, company: String? = nil,
                language: String = "en") {
        self.csvDialect = csvDialect
        self.topRows = max(1, topRows)
        self.generatedAt = generatedAt
        self.company = company
        self.language = LocalFormat.languages.contains(language) ? language : "en"
    }
}

/// Figures of one day that the snapshot and the aging report both need, summed once.
struct NightFigures: Sendable {
    let asOf: Day
    let buckets: [AgingBuckets]
    let sales: [String: Int64]
}

/// Why a report could not be written.
package enum ReportError: Error, CustomStringConvertible, Equatable {
    /// The output file or folder cannot be created or written.
    case cannotWrite(path: String, reason: String)

    package var description: String {
        switch self {
        case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}

/// Renders the finance reports from the ledger (read-only: one read transaction per report).
///
/// Every figure comes from SQL aggregates; long listings stream from a cursor into the output,
/// so memory stays flat on a 1M-invoice ledger.
package enum Reports {
    /// Writes one report to `path` atomically (a `.partial` file renamed when complete), mode 0600.
    package static func write(kind: ReportKind, format: ReportFormat, asOf: Day, store: LedgerStore, to path: String,
                             options: ReportOptions) throws {
        try OwnerOnly.write(path) { sink in
            try render(kind: kind, format: format, asOf: asOf, store: store, options: options, sink: sink)
        }
    }

    /// Writes one report to an open file descriptor (e.g. standard output).
    package static func write(kind: ReportKind, format: ReportFormat, asOf: Day, store: LedgerStore, fd: Int32,
                             options: ReportOptions) throws {
        let sink = OutputSink(fd: fd)
        try render(kind: kind, format: format, asOf: asOf, store: store, options: options, sink: sink)
        try sink.finish(path: "standard output")
    }

    /// Writes every report in every `formats` into `folder/DAY/` (created 0700) as
    /// `aging.html`, `aging.csv`, …; returns the paths written. What the nightly run calls.
    @discardableResult
    package static func writeAll(asOf: Day, store: LedgerStore, folder: String, formats: [ReportFormat] = [.html, .csv],
                                options: ReportOptions) throws -> [String] {
        let dir = (folder as NSString).appendingPathComponent(asOf.description)
        try OwnerOnly.directory(dir)
        // One read transaction and one build per report: the figures are computed once and rendered
        // into every format; a listing HTML shortens streams once, HTML keeping its first rows. The reports are made
        // two at a time (the pool's readers run side by side), the slowest first.
        let kinds: [ReportKind] = [.worklist, .aging, .forecast, .dunning, .outbox]
        let results = ParallelWork.map(kinds.count, workers: 2) { i in
            Result { try writeReport(kinds[i], asOf: asOf, store: store, dir: dir, formats: formats, options: options) }
        }
        return try ReportKind.allCases.flatMap { kind in try kinds.firstIndex(of: kind).map { try results[$0].get() } ?? [] }
    }

    /// Writes one report in every `formats` into `dir` (which exists) in one read transaction: built
    /// once, the other formats first and HTML last from the rows their pass kept; returns the paths in
    /// `formats`' order.
    static func writeReport(_ kind: ReportKind, asOf: Day, store: LedgerStore, dir: String, formats: [ReportFormat],
                            options: ReportOptions) throws -> [String] {
        try store.pool.read { db -> [String] in
            var doc = try build(kind, db: db, asOf: asOf, options: options, resolving: false)
            if options.debtorPages != nil { doc.upLink = "index.html" }
            // HTML last, from the rows the other formats' pass kept: each long listing streams once.
            let taps = formats.contains(.html) && formats.count > 1 ? doc.tapStreams() : []
            let order = formats.filter { $0 != .html } + formats.filter { $0 == .html }
            var written: [ReportFormat: [String]] = [:]
            for format in order {
                // Blocks summed from a listing (the worklist's totals) are in place once an
                // Excel CSV pass streamed it; anything else resolves them by their own query first.
                let streamsFirst = format == .csv && options.csvDialect == .excelBE
                if !streamsFirst { doc = try doc.resolvingLater() }
                let current = format == .html && !taps.isEmpty ? doc.replayingTaps() : doc
                written[format] = try writeFiles(current, kind: kind, format: format, dir: dir, options: options)
                doc = try doc.resolvingLater()
            }
            return formats.flatMap { written[$0] ?? [] }
        }
    }

    /// Writes `doc` in `format` into `dir`: `KIND.FORMAT`, or one file per table for Excel CSV
    /// (`aging-buckets.csv`, `aging-top_debtors.csv`, …); returns the paths.
    static func writeFiles(_ doc: ReportDocument, kind: ReportKind, format: ReportFormat, dir: String,
                           options: ReportOptions) throws -> [String] {
        if format == .csv && options.csvDialect == .excelBE {
            func write(_ part: String, of doc: ReportDocument) throws {
                let path = (dir as NSString).appendingPathComponent("\(kind.rawValue)-\(part).csv")
                try OwnerOnly.write(path) { sink in
                    try CSVRenderer(dialect: .excelBE, language: options.language).renderPart(doc, part: part, write: sink.write)
                }
            }
            // The parts there are now (streaming the tables), then those the streams worked out.
            let first = CSVRenderer.parts(doc)
            for part in first { try write(part, of: doc) }
            let resolved = try doc.resolvingLater()
            let all = CSVRenderer.parts(resolved)
            for part in all where !first.contains(part) { try write(part, of: resolved) }
            return all.map { (dir as NSString).appendingPathComponent("\(kind.rawValue)-\($0).csv") }
        }
        let doc = try doc.resolvingLater()
        let path = (dir as NSString).appendingPathComponent("\(kind.rawValue).\(format.fileExtension)")
        try OwnerOnly.write(path) { sink in try render(doc, format: format, options: options, write: sink.write) }
        return [path]
    }

    /// The report as a string (tests, small outputs).
    static func text(kind: ReportKind, format: ReportFormat, asOf: Day, store: LedgerStore, options: ReportOptions) throws -> String {
        try store.pool.read { db in
            let doc = try build(kind, db: db, asOf: asOf, options: options)
            let sink = StringSink()
            try render(doc, format: format, options: options) { sink.text += $0 }
            return sink.text
        }
    }

    static func render(kind: ReportKind, format: ReportFormat, asOf: Day, store: LedgerStore, options: ReportOptions,
                       sink: OutputSink) throws {
        try store.pool.read { db in
            let doc = try build(kind, db: db, asOf: asOf, options: options)
            try render(doc, format: format, options: options, write: sink.write)
        }
    }

    static func render(_ doc: ReportDocument, format: ReportFormat, options: ReportOptions, write: (String) -> Void) throws {
        switch format {
        case .html: try HTMLRenderer(options: options).render(doc, write: write)
        case .csv: try CSVRenderer(dialect: options.csvDialect, language: options.language).render(doc, write: write)
        case .json: try JSONRenderer(options: options).render(doc, write: write)
        }
    }

    /// The report's document; with `resolving` (the default) every `later` block is already in place
    /// (by its own query), so any renderer may take it.
    static func build(_ kind: ReportKind, db: Database, asOf: Day, options: ReportOptions, resolving: Bool = true) throws
        -> ReportDocument {
        let doc: ReportDocument = switch kind {
        case .aging: try AgingReport.build(db, asOf: asOf, options: options)
        case .forecast: try ForecastReport.build(db, asOf: asOf, options: options)
        case .dunning: try DunningReport.build(db, asOf: asOf, options: options)
        case .outbox: try OutboxReport.build(db, asOf: asOf, options: options)
        case .worklist: try WorklistReport.build(db, asOf: asOf, options: options)
        }
        return resolving ? try doc.resolvingLater() : doc
    }
}

/// The debtors whose names a run's HTML reports link to, in no particular order; safe to fill from
/// the reports rendered side by side.
final class LinkedDebtors: @unchecked Sendable {
    private let lock = NSLock()
    private var ids = Set<Int64>()

    func add(_ id: Int64) { lock.withLock { _ = ids.insert(id) } }

    /// Every id added, ascending.
    var sorted: [Int64] { lock.withLock { ids.sorted() } }
}

/// Collects rendered text in memory.
final class StringSink {
    var text = ""
}
