import Foundation
import Ledger
import Support

/// The reading half of a file ingest: everything that needs no database.
struct FileReader<V: RowValidator>: Sendable {
    let path: String
    let name: String
    let format: FileFormat
    let options: IngestOptions
    let fileIndex: Int
    let fileNames: [String]
    let validator: V
    let reporter: LockedReporter

    func diag(_ line: Int, _ column: Int, _ rule: String, _ message: String, _ severity: Diagnostic.Severity = .error) {
        reporter(Diagnostic(file: name, line: line, column: column, severity: severity, rule: rule, message: message))
    }

    func read(into pipe: RowPipe<FileIngest.Item<V.Prepared>>, seen start: KeySet) throws -> FileIngest.ReadResult {
        var out = FileIngest.ReadResult(seen: start)
        var reader = try CSVReader(path: path, delimiter: format.delimiter)
        if format.hasBOM { try reader.skip(3) }
        var record = CSVRecord()
        _ = try reader.next(into: &record)  // the header, already analysed
        var rejects: RejectsWriter? = nil
        defer { rejects?.close() }
        let rejectsPath = options.rejectsDirectory.map { ($0 as NSString).appendingPathComponent(name + ".rejects.csv") }
        let rowFormat = InputRow.Format(decimal: format.decimal, dateOrder: options.mapping?.dateOrder ?? .dmy,
                                        defaultCurrency: options.defaultCurrency)
        var scratch: [UInt8] = []
        var chunk: [FileIngest.Item<V.Prepared>] = []
        chunk.reserveCapacity(256)
        let size = options.progress == nil ? 0 : ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        while try reader.next(into: &record) {
            if record.isBlank { continue }
            out.read += 1
            if out.read & 4095 == 0, let progress = options.progress { progress(name, reader.bytesRead, size) }
            let badEncoding = FileFormat.decode(&record, encoding: format.encoding, scratch: &scratch)
            var row = InputRow(record: record, fieldIndex: format.fieldIndex, format: rowFormat)
            for col in badEncoding {
                row.problems.append(RowProblem(column: col, rule: "encoding",
                                               message: "field is not valid \(format.encoding.rawValue) text"))
            }
            if record.count != format.headerCount,
               !(record.count > format.headerCount && record.ranges[format.headerCount...].allSatisfy(\.isEmpty)) {
                row.problems.append(RowProblem(column: 0, rule: "field-count",
                                               message: "expected \(format.headerCount) fields, found \(record.count)"))
            }
            var prepared: V.Prepared? = nil
            if !row.hasErrors, let key = validator.key(of: &row) {
                let first = out.seen.insert(key, file: fileIndex, line: record.line)
                if first != nil && options.mapping?.skipRepeatedKeys == true {
                    out.skipped += 1
                    continue
                }
                if let first {
                    let where_ = first.file == fileIndex ? "line \(first.line)" : "\(fileNames[first.file]):\(first.line)"
                    let keyColumn = options.kind.columns[0]
                    row.problem(keyColumn, "duplicate-key", "\(keyColumn.rawValue) \"\(key)\" already appears on \(where_)")
                } else {
                    prepared = validator.prepare(&row)
                }
            } else if let key = validator.key(of: &row) {
                // Keep the key of a refused row out of a snapshot's closing.
                _ = out.seen.insert(key, file: fileIndex, line: record.line)
            }
            for p in row.problems where p.severity != .error {
                diag(record.line, p.column, p.rule, p.message, p.severity)
                if p.severity == .warning { out.warnings += 1 }
            }
            if let prepared {
                chunk.append(FileIngest.Item(line: record.line, values: prepared))
                if chunk.count == 256 {
                    guard pipe.push(chunk) else { return out }
                    chunk.removeAll(keepingCapacity: true)
                }
                continue
            }
            out.rejected += 1
            let errors = row.problems.filter { $0.severity == .error }
            for p in errors { diag(record.line, p.column, p.rule, p.message) }
            if let rejectsPath, !options.dryRun {
                if rejects == nil {
                    rejects = try RejectsWriter(path: rejectsPath, rawHeader: format.rawHeader, delimiter: format.delimiter,
                                                asciiOnly: format.encoding != .utf8, byteOrderMark: format.hasBOM)
                }
                rejects?.write(line: record.line, reasons: errors.map { "[\($0.rule)] \($0.message)" }.joined(separator: "; "),
                               raw: record.raw)
            }
        }
        if !chunk.isEmpty { _ = pipe.push(chunk) }
        options.progress?(name, size, size)
        if let rejectsPath, !options.dryRun {
            if rejects != nil { out.rejectsPath = rejectsPath } else { try? FileManager.default.removeItem(atPath: rejectsPath) }
        }
        out.bytes = reader.bytesRead + (format.hasBOM ? 3 : 0)
        out.hash = reader.hash
        return out
    }
}
