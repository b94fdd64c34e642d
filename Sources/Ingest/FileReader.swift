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
    /// Ask the database thread which rows are unchanged before reading them (`UnchangedLookup`).
    var lookups = false

    func diag(_ line: Int, _ column: Int, _ rule: String, _ message: String, _ severity: Diagnostic.Severity = .error) {
        reporter(Diagnostic(file: name, line: line, column: column, severity: severity, rule: rule, message: message))
    }

    /// Records parsed and decoded on the parsing thread, handed to the checking thread in a chunk:
    /// each record's field bytes and its bytes as they stood in the file, end to end.
    struct ParsedChunk: Sendable {
        var bytes: [UInt8] = []
        var raw: [UInt8] = []
        var ranges: [Range<Int>] = []
        var records: [Parsed] = []
        /// Bytes of the file read when the chunk was full (for progress).
        var bytesRead = 0

        struct Parsed: Sendable {
            var line: Int
            /// The record's fields in `ranges`, its text in `raw`.
            var fields: Range<Int>
            var raw: Range<Int>
            /// 1-based positions of fields that are not valid text in the file's encoding.
            var badEncoding: [Int]
        }
    }

    /// What the parsing thread found at the end of the file.
    struct ParseEnd: Sendable {
        var bytes = 0
        var hash: UInt64 = 0
    }

    /// The parsing half: reads the file's records (after the header), decodes them, and hands them
    /// over in chunks; skips blank records.
    func parse(into pipe: RowPipe<ParsedChunk>) throws -> ParseEnd {
        var reader = try CSVReader(path: path, delimiter: format.delimiter)
        if format.hasBOM { try reader.skip(3) }
        var record = CSVRecord()
        _ = try reader.next(into: &record)  // the header, already analysed
        var scratch: [UInt8] = []
        var chunk = ParsedChunk()
        chunk.records.reserveCapacity(512)
        while try nextRecord(&reader, into: &record, pending: &chunk, pipe: pipe) {
            if record.isBlank { continue }
            let badEncoding = FileFormat.decode(&record, encoding: format.encoding, scratch: &scratch)
            let base = chunk.bytes.count
            let fieldsStart = chunk.ranges.count
            chunk.bytes.append(contentsOf: record.bytes)
            for r in record.ranges { chunk.ranges.append((r.lowerBound + base)..<(r.upperBound + base)) }
            let rawStart = chunk.raw.count
            chunk.raw.append(contentsOf: record.raw)
            chunk.records.append(ParsedChunk.Parsed(line: record.line, fields: fieldsStart..<chunk.ranges.count,
                                                    raw: rawStart..<chunk.raw.count, badEncoding: badEncoding))
            if chunk.records.count == 512 {
                chunk.bytesRead = reader.bytesRead
                guard pipe.push([chunk]) else { return ParseEnd() }
                chunk = ParsedChunk()
                chunk.records.reserveCapacity(512)
            }
        }
        chunk.bytesRead = reader.bytesRead
        if !chunk.records.isEmpty { _ = pipe.push([chunk]) }
        return ParseEnd(bytes: reader.bytesRead + (format.hasBOM ? 3 : 0), hash: reader.hash)
    }

    /// The next record; on a parsing error the records before it are handed over first, so they
    /// are checked and reported as they were when one thread did both.
    private func nextRecord(_ reader: inout CSVReader, into record: inout CSVRecord, pending: inout ParsedChunk,
                            pipe: RowPipe<ParsedChunk>) throws -> Bool {
        do {
            return try reader.next(into: &record)
        } catch {
            if !pending.records.isEmpty {
                pending.bytesRead = reader.bytesRead
                _ = pipe.push([pending])
                pending = ParsedChunk()
            }
            throw error
        }
    }

    /// The checking half, on its own thread while a third one parses the file (`parse`): validate,
    /// duplicates, rejects; hands validated rows to the database thread through `pipe`. Rows,
    /// diagnostics and rejects come in file order, as from one thread.
    func read(into pipe: RowPipe<FileIngest.Work<V.Prepared>>, seen start: KeySet) throws -> FileIngest.ReadResult {
        let parsed = RowPipe<ParsedChunk>(capacity: 4)
        let end = Handoff<Result<ParseEnd, Error>>(.success(ParseEnd()))
        let parsing = DispatchSemaphore(value: 0)
        let reading = self
        let thread = Thread {
            let r = Result { try reading.parse(into: parsed) }
            end.value = r
            if case .failure(let e) = r { parsed.finish(e) } else { parsed.finish(nil) }
            parsing.signal()
        }
        thread.stackSize = 1 << 22
        thread.start()
        let checked = Result { try check(parsed, into: pipe, seen: start) }
        parsed.cancel()
        parsing.wait()
        var out = try checked.get()
        let e = try end.value.get()
        out.bytes = e.bytes
        out.hash = e.hash
        return out
    }

    /// A chunk waiting to be checked: its records' keys and fingerprints (nil: not a candidate; no
    /// array when the kind has none) and the database thread's answer, when it was asked.
    private struct Pending {
        var block: ParsedChunk
        var fingerprints: [(key: Range<Int>, fingerprint: UInt64)?]?
        var lookup: UnchangedLookup?
    }

    /// Each record's key and fingerprint, when the validator gives one: only for records whose every
    /// field is valid text and that have as many fields as the header.
    private func fingerprints(of block: ParsedChunk, seed: UInt64) -> [(key: Range<Int>, fingerprint: UInt64)?] {
        let records = block.records.map { $0.badEncoding.isEmpty && $0.fields.count == format.headerCount ? $0.fields : 0..<0 }
        return block.bytes.withUnsafeBufferPointer { p in
            validator.fingerprints(p, ranges: block.ranges, records: records, fieldIndex: format.fieldIndex, seed: seed)
        }
    }

    private func check(_ parsed: RowPipe<ParsedChunk>, into pipe: RowPipe<FileIngest.Work<V.Prepared>>, seen start: KeySet) throws
        -> FileIngest.ReadResult
    {
        var out = FileIngest.ReadResult(seen: start)
        var record = CSVRecord()
        var rejects: RejectsWriter? = nil
        defer { rejects?.close() }
        let rejectsPath = options.rejectsDirectory.map { ($0 as NSString).appendingPathComponent(name + ".rejects.csv") }
        let rowFormat = InputRow.Format(decimal: format.decimal, dateOrder: options.mapping?.dateOrder ?? .dmy,
                                        defaultCurrency: options.defaultCurrency)
        var chunk: [FileIngest.Work<V.Prepared>] = []
        chunk.reserveCapacity(256)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let seed = RowFingerprint.seed(fieldIndex: format.fieldIndex, format: rowFormat)
        let fingerprinting = V.hasFingerprints
        // Two chunks in hand: the next one's question is with the database thread while this one is read.
        var pending: [Pending] = []
        var more = true
        // Chunks to go without asking, after one whose rows were mostly not unchanged (a new file).
        var skipLookups = 0
        while true {
            while more && pending.count < 2 {
                guard let got = parsed.pop() else { more = false; break }
                for block in got {
                    // Room for the file's keys at once, from the first chunk's bytes per record (a little
                    // under, so that the table is never a size larger than growing would have made it).
                    if out.read == 0 && pending.isEmpty, size > 0, !block.raw.isEmpty {
                        out.seen.reserve(Int(Double(size) * Double(block.records.count) / Double(block.raw.count) * 0.9))
                    }
                    let fps = fingerprinting ? fingerprints(of: block, seed: seed) : nil
                    var lookup: UnchangedLookup? = nil
                    if lookups, let fps, skipLookups == 0 {
                        var records: [Int] = [], keys: [Range<Int>] = [], values: [UInt64] = []
                        records.reserveCapacity(fps.count); keys.reserveCapacity(fps.count); values.reserveCapacity(fps.count)
                        for (i, f) in fps.enumerated() {
                            if let f { records.append(i); keys.append(f.key); values.append(f.fingerprint) }
                        }
                        if !records.isEmpty {
                            let l = UnchangedLookup(bytes: block.bytes, records: records, keys: keys, fingerprints: values)
                            guard pipe.push([.lookup(l)]) else { return out }
                            lookup = l
                        }
                    } else if skipLookups > 0 {
                        skipLookups -= 1
                    }
                    pending.append(Pending(block: block, fingerprints: fps, lookup: lookup))
                }
            }
            guard !pending.isEmpty else { break }
            let block = pending[0].block, fps = pending[0].fingerprints
            var unchanged: [Bool] = []
            if let lookup = pending[0].lookup {
                let answer = lookup.wait()
                unchanged = [Bool](repeating: false, count: block.records.count)
                var hits = 0
                for (j, r) in lookup.records.enumerated() where answer[j] { unchanged[r] = true; hits += 1 }
                if hits * 2 < lookup.records.count { skipLookups = 16 }
            }
            pending.removeFirst()
            // The chunk's keys' slots, brought in together rather than one miss a row (a candidate's
            // key bytes are its key as `key(of:)` reads it).
            if let fps {
                block.bytes.withUnsafeBufferPointer { p in out.seen.prefetch(p, ranges: fps.lazy.compactMap { $0?.key }) }
            }
            for (index, item) in block.records.enumerated() {
                // An unchanged row: its key joins the others (a repeated one is read in full, and refused).
                if !unchanged.isEmpty, unchanged[index], let f = fps?[index] {
                    let first = block.bytes.withUnsafeBufferPointer { p in
                        let key = UnsafeBufferPointer(rebasing: p[f.key])
                        guard !out.seen.contains(bytes: key) else { return false }
                        _ = out.seen.insert(bytes: key, file: fileIndex, line: item.line)
                        return true
                    }
                    if first {
                        out.read += 1
                        out.unchanged += 1
                        if out.read & 4095 == 0, let progress = options.progress { progress(name, block.bytesRead, size) }
                        continue
                    }
                }
                record.line = item.line
                record.bytes.removeAll(keepingCapacity: true)
                record.ranges.removeAll(keepingCapacity: true)
                record.raw.removeAll(keepingCapacity: true)
                let base = block.ranges[item.fields].first?.lowerBound ?? 0
                let top = block.ranges[item.fields].last?.upperBound ?? base
                record.bytes.append(contentsOf: block.bytes[base..<top])
                for r in block.ranges[item.fields] { record.ranges.append((r.lowerBound - base)..<(r.upperBound - base)) }
                record.raw.append(contentsOf: block.raw[item.raw])
                let badEncoding = item.badEncoding
                out.read += 1
                if out.read & 4095 == 0, let progress = options.progress { progress(name, block.bytesRead, size) }
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
                        prepared = validator.prepare(&row, key: key)
                        if let f = fps?[index], row.problems.isEmpty, var p = prepared {
                            validator.attach(fingerprint: f.fingerprint, to: &p)
                            prepared = p
                        }
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
                    chunk.append(.row(FileIngest.Item(line: record.line, values: prepared)))
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
        }
        // A parsing error ends the file here, as it did with one thread (the caller rolls the file back).
        if parsed.failure != nil { return out }
        if !chunk.isEmpty { _ = pipe.push(chunk) }
        options.progress?(name, size, size)
        if let rejectsPath, !options.dryRun {
            if rejects != nil { out.rejectsPath = rejectsPath } else { try? FileManager.default.removeItem(atPath: rejectsPath) }
        }
        return out
    }
}
