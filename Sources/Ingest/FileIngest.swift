import Foundation
import GRDB
import Ledger
import Store
import Support

/// A file refused whole (`CSVFileError`) while the ingest's transaction was open, thrown through it
/// so that it rolls back: `Ingestor` runs the command again without the file, whose summary (and
/// diagnostics, reported already) this carries.
struct FileRefused: Error {
    /// The file's place among the call's files.
    var index: Int
    var summary: FileSummary
}

/// Reads one file inside the ingest's transaction, without a savepoint of its own (see `Ingestor`).
struct FileIngest {
    let db: Database
    let path: String
    let options: IngestOptions
    let now: @Sendable () -> Date
    let report: (Diagnostic) -> Void
    /// The file's name, as diagnostics and the batch show it.
    let name: String

    init(db: Database, path: String, options: IngestOptions, now: @escaping @Sendable () -> Date,
         report: @escaping (Diagnostic) -> Void) {
        self.db = db
        self.path = path
        self.options = options
        self.now = now
        self.report = report
        self.name = (path as NSString).lastPathComponent
    }

    func diag(_ line: Int, _ column: Int, _ rule: String, _ message: String, _ severity: Diagnostic.Severity = .error) {
        report(Diagnostic(file: name, line: line, column: column, severity: severity, rule: rule, message: message))
    }

    /// Returns the summary and the batch id; a file that cannot be read as CSV at all throws
    /// `FileRefused` (its diagnostic reported), which the caller's transaction must not survive:
    /// some of its rows may be written.
    func run<S: RowSink>(sink: inout S, seen: inout KeySet, fileIndex: Int, fileNames: [String]) throws -> (FileSummary, Int64) {
        var summary = FileSummary(file: name)
        let started = now()
        do {
            let batch = try readRows(sink: &sink, summary: &summary, started: started, seen: &seen,
                                     fileIndex: fileIndex, fileNames: fileNames)
            return (summary, batch)
        } catch let e as CSVFileError {
            diag(e.line, e.column, e.rule, e.message + "; nothing from this file was imported")
            summary.fatal = e.message
            summary.imported = 0
            summary.updated = 0
            summary.unchanged = 0
            summary.unchangedByFingerprint = 0
            summary.rejected = summary.read
            throw FileRefused(index: fileIndex, summary: summary)
        }
    }

    /// What the reading thread hands to the writing thread: a validated row and its line.
    struct Item<P: Sendable>: Sendable {
        var line: Int
        var values: P
    }

    /// What the database thread is handed: a row to store, or a chunk's question "which of these
    /// rows are unchanged?", asked before the reading thread reads them.
    enum Work<P: Sendable>: Sendable {
        case row(Item<P>)
        case lookup(UnchangedLookup)
    }

    /// What the reading thread found, handed back when it is done.
    struct ReadResult: Sendable {
        var read = 0
        var rejected = 0
        /// Rows whose key repeated an earlier one, skipped as the mapping allows.
        var skipped = 0
        var warnings = 0
        var rejectsPath: String?
        var bytes = 0
        var hash: UInt64 = 0
        var seen: KeySet
        /// Rows counted unchanged from their fingerprints, never handed to the database thread.
        var unchanged = 0
    }

    /// Reads the file on a second thread (parse, decode, validate, duplicates, rejects) while this
    /// thread, the database's, stores what it hands over.
    private func readRows<S: RowSink>(sink: inout S, summary: inout FileSummary, started: Date, seen: inout KeySet,
                                      fileIndex: Int, fileNames: [String]) throws -> Int64 {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CSVFileError(line: 0, rule: "unreadable", message: "no such file")
        }
        let format = try detectFormat()
        summary.encoding = format.encoding.rawValue
        summary.delimiter = FileFormat.delimiterName(format.delimiter)
        var batch = IngestBatchRow(kind: options.kind.rawValue, fileName: name, filePath: path,
                                   encoding: format.encoding.rawValue, snapshot: options.snapshot,
                                   asOf: options.asOf.description, startedAt: started, runID: options.runID)
        let batchID = try batch.insert(db)
        let pipe = RowPipe<Work<S.Validator.Prepared>>()
        let reporter = LockedReporter(report)
        let done = DispatchSemaphore(value: 0)
        let result = Handoff<Result<ReadResult, Error>>(.failure(CSVFileError(line: 0, rule: "unreadable", message: "not read")))
        let reading = FileReader(path: path, name: name, format: format, options: options, fileIndex: fileIndex,
                                 fileNames: fileNames, validator: sink.validator, reporter: reporter,
                                 lookups: sink.checksUnchanged)
        let startKeys = seen
        let thread = Thread {
            let r = Result { try reading.read(into: pipe, seen: startKeys) }
            result.value = r
            if case .failure(let e) = r { pipe.finish(e) } else { pipe.finish(nil) }
            done.signal()
        }
        thread.stackSize = 1 << 22
        thread.start()
        var current: [Work<S.Validator.Prepared>] = []
        func note(_ n: RowProblem, line: Int) {
            reporter(Diagnostic(file: name, line: line, column: n.column, severity: n.severity, rule: n.rule, message: n.message))
            if n.rule == "unapplied" { summary.unapplied += 1 }
        }
        do {
            while let chunk = pipe.pop() {
                // Each item is moved out of the chunk (from its end, the chunk reversed in place), not
                // copied: no retain and release of each row's texts. `current` keeps the items not taken
                // yet, whose questions an error must still answer.
                current = consume chunk
                current.reverse()
                while let work = current.popLast() {
                    switch consume work {
                    case .lookup(let lookup):
                        // Taken out of `current`: answered here even when answering fails (`abandon` keeps a first answer).
                        do { try sink.answer(lookup) } catch { lookup.abandon(); throw error }
                    case .row(let item):
                        let (outcome, notes) = try sink.store(item.values, batch: batchID, line: item.line)
                        switch outcome {
                        case .imported: summary.imported += 1
                        case .updated: summary.updated += 1
                        case .unchanged: summary.unchanged += 1
                        case .rejected: summary.rejected += 1
                        }
                        for n in notes { note(n, line: item.line) }
                        for (line, n) in sink.lateNotes() { note(n, line: line) }
                    }
                }
            }
            current = []
            let corrections = try sink.flush(batch: batchID)
            for (line, n) in sink.lateNotes() { note(n, line: line) }
            for outcome in corrections {
                summary.imported -= 1
                switch outcome {
                case .imported: summary.imported += 1
                case .updated: summary.updated += 1
                case .unchanged: summary.unchanged += 1
                case .rejected: summary.rejected += 1
                }
            }
        } catch {
            if let r = error as? RowRefused {
                // Named by its line and SQLite's rule; the load fails with SQLite's error, as a row stored alone fails it.
                reporter(Diagnostic(file: name, line: r.tag, column: 0, severity: .error, rule: "not-stored",
                                    message: "the database refused the row (\(r.error.message ?? "\(r.error.resultCode)")); nothing was imported"))
            }
            sink.abandonPending()
            // Nothing the reading thread may wait for stays unanswered: the questions of this chunk
            // and of those handed over before the cancel.
            pipe.cancel()
            for chunk in [current] + pipe.drain() {
                for case .lookup(let lookup) in chunk { lookup.abandon() }
            }
            done.wait()
            throw (error as? RowRefused)?.error ?? error
        }
        done.wait()
        let read = try result.value.get()
        summary.read = read.read
        summary.rejected += read.rejected
        summary.unchanged += read.skipped + read.unchanged
        summary.unchangedByFingerprint = read.unchanged
        if read.skipped > 0 {
            reporter(Diagnostic(file: name, line: 0, column: 0, severity: .note, rule: "repeated-key",
                                message: "\(read.skipped) rows repeated a key seen earlier and were skipped (skip_repeated_keys)"))
        }
        summary.warnings = read.warnings
        summary.rejectsPath = read.rejectsPath
        seen = read.seen
        batch.finish(summary: summary, bytes: read.bytes, hash: read.hash, at: now())
        try batch.update(db, id: batchID)
        return batchID
    }

    /// Encoding, delimiter, header and decimal separator of the file.
    private func detectFormat() throws -> FileFormat {
        var reader = try CSVReader(path: path)
        let sample = try reader.peek(1 << 16)
        let hasBOM = sample.starts(with: [0xEF, 0xBB, 0xBF])
        // Declared (per run or in the mapping) wins; otherwise the whole file decides.
        let encoding = try options.encoding ?? options.mapping?.encoding ?? TextEncoding.detect(path: path, hasBOM: hasBOM)
        let body = hasBOM ? sample.dropFirst(3) : sample
        guard !body.isEmpty else { throw CSVFileError(line: 1, rule: "empty-file", message: "the file is empty") }
        var delimiter: UInt8
        if let d = options.mapping?.delimiter {
            delimiter = d
        } else {
            switch FileFormat.detectDelimiter(headerSample: body) {
            case .none:
                throw CSVFileError(line: 1, rule: "delimiter",
                                   message: "cannot tell the delimiter from the header line; set delimiter in a --mapping file")
            case .some(let d): delimiter = d ?? UInt8(ascii: ",")
            }
        }
        reader.delimiter = delimiter
        if hasBOM { try reader.skip(3) }
        var header = CSVRecord()
        guard try reader.next(into: &header) else { throw CSVFileError(line: 1, rule: "empty-file", message: "the file is empty") }
        var scratch: [UInt8] = []
        _ = FileFormat.decode(&header, encoding: encoding, scratch: &scratch)
        let fieldIndex = try mapHeader(header)
        // Learn the decimal separator from the first rows' amounts.
        var decimal = options.mapping?.decimalSeparator
        if decimal == nil {
            let amountFields = [Column.amount, .openAmount].map { fieldIndex[$0.ordinal] }.filter { $0 >= 0 }
            var values: [[UInt8]] = []
            var r = CSVRecord()
            var n = 0
            while n < 2000, try reader.next(into: &r) {
                for f in amountFields { values.append(Array(r.field(f))) }
                n += 1
            }
            decimal = FileFormat.detectDecimal(sampleAmounts: values)
        }
        return FileFormat(encoding: encoding, hasBOM: hasBOM, delimiter: delimiter, decimal: decimal,
                          fieldIndex: fieldIndex, headerCount: header.count, rawHeader: header.raw)
    }

    /// Maps header fields to canonical columns; unknown columns are warnings, a missing
    /// required column or a column given twice refuses the file.
    private func mapHeader(_ header: CSVRecord) throws -> [Int] {
        var index = [Int](repeating: -1, count: Column.allCases.count)
        let wanted = options.kind.columns
        let mapped = options.mapping?.columns ?? [:]
        for i in 0..<header.count {
            let text = String(decoding: header.field(i), as: UTF8.self)
            let folded = foldHeader(text)
            if options.mapping?.ignore.contains(folded) == true { continue }
            // A mapping may name one export column for several canonical ones (an id that is also the name).
            var columns = wanted.filter { mapped[$0] == folded }
            if columns.isEmpty {
                if let c = wanted.first(where: { mapped[$0] == nil && ($0.rawValue == folded || $0.aliases.contains(folded)) }) {
                    columns = [c]
                }
            }
            guard !columns.isEmpty else {
                if !folded.isEmpty && !folded.hasPrefix("rejected_") {
                    diag(1, i + 1, "unknown-column", "column \"\(text)\" is not used", .warning)
                }
                continue
            }
            for column in columns {
                let o = column.ordinal
                if index[o] >= 0 {
                    throw CSVFileError(line: 1, rule: "duplicate-column",
                                       message: "columns \(index[o] + 1) and \(i + 1) both mean \(column.rawValue)")
                }
                index[o] = i
            }
        }
        let missing = options.kind.requiredColumns.filter { index[$0.ordinal] < 0 }
        if let m = missing.first {
            let also = m.aliases.prefix(4).joined(separator: ", ")
            throw CSVFileError(line: 1, rule: "missing-column",
                               message: "no \(m.rawValue) column (also accepted: \(also), …; or map it in a --mapping file)")
        }
        if options.kind == .payments,
           [Column.invoiceNumber, .structuredReference, .debtorID].allSatisfy({ index[$0.ordinal] < 0 }) {
            throw CSVFileError(line: 1, rule: "missing-column",
                               message: "a payments file needs at least one of invoice_number, structured_reference, debtor_id")
        }
        return index
    }
}
