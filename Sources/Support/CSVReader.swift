#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fatal problem with a whole input file (it cannot be read as CSV at all).
package struct CSVFileError: Error, CustomStringConvertible {
    package let line: Int
    /// Column (1-based) when the problem has one; 0 otherwise.
    package var column = 0
    package let rule: String
    package let message: String
    package var description: String { "[\(rule)] \(message)" }

    /// A problem with the whole file, found at `line` (and `column`).
    package init(line: Int, column: Int = 0, rule: String, message: String) {
        self.line = line
        self.column = column
        self.rule = rule
        self.message = message
    }
}

/// One record of a CSV file, valid only during the callback that receives it.
///
/// Field bytes are unescaped (quotes removed, `""` → `"`) but not decoded; `raw` is the record
/// exactly as it stood in the file, line break excluded, for the rejects file.
package struct CSVRecord {
    /// Physical line (1-based) where the record starts.
    package var line: Int = 0
    /// Unescaped field bytes, concatenated; see `ranges`.
    package var bytes: [UInt8] = []
    /// Each field's range in `bytes`.
    package var ranges: [Range<Int>] = []
    /// The record's bytes as they stood in the file.
    package var raw: [UInt8] = []

    /// An empty record to read into.
    package init() {}

    /// Number of fields.
    package var count: Int { ranges.count }

    /// The bytes of field `i` (empty when the record is short).
    @inline(__always)
    package func field(_ i: Int) -> ArraySlice<UInt8> {
        i < ranges.count ? bytes[ranges[i]] : []
    }

    /// True when every field is empty (a blank or `;;;` line).
    package var isBlank: Bool { ranges.allSatisfy { $0.isEmpty } }
}

/// A streaming RFC 4180 reader over bytes, in constant memory: reads the file in 1 MiB chunks,
/// handles quoted fields with delimiters and line breaks inside, `""` escapes, LF, CRLF and CR
/// line ends, and a missing final newline. A record longer than `maxRecordBytes` is a fatal
/// error (it is almost always an unterminated quote).
package struct CSVReader: ~Copyable {
    private let fd: Int32
    private var buf: [UInt8]
    private var start = 0  // first unconsumed byte
    private var end = 0  // bytes valid in buf
    private var eof = false
    private var line = 1
    /// The field delimiter.
    package var delimiter: UInt8
    /// Longest record accepted.
    package let maxRecordBytes: Int
    /// Bytes read so far.
    package private(set) var bytesRead = 0
    /// FNV-1a 64 of every byte read so far.
    private var hasher = FNV1a()
    /// FNV-1a 64 hash of every byte read, for the batch's file identity.
    package var hash: UInt64 { hasher.value }

    /// Opens a file; throws when it cannot be opened.
    package init(path: String, delimiter: UInt8 = UInt8(ascii: ","), maxRecordBytes: Int = 1 << 20) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw CSVFileError(line: 0, rule: "unreadable", message: "cannot open: \(String(cString: strerror(errno)))")
        }
        self.fd = fd
        self.delimiter = delimiter
        self.maxRecordBytes = maxRecordBytes
        self.buf = [UInt8](repeating: 0, count: max(1 << 20, maxRecordBytes + 1))
    }

    deinit { close(fd) }

    /// The first `n` bytes of the file (fewer if shorter), without consuming them: for detecting
    /// the encoding and the delimiter before reading records.
    package mutating func peek(_ n: Int) throws -> ArraySlice<UInt8> {
        while end - start < n && !eof { try fill() }
        return buf[start..<min(end, start + n)]
    }

    /// Skips `n` bytes (a byte-order mark).
    package mutating func skip(_ n: Int) throws {
        _ = try peek(n)
        start += min(n, end - start)
    }

    private mutating func fill() throws {
        if start > 0 {
            if start < end {
                buf.withUnsafeMutableBufferPointer { p in
                    _ = memmove(p.baseAddress!, p.baseAddress! + start, end - start)
                }
            }
            end -= start
            start = 0
        }
        if end == buf.count { return }
        let n = buf.withUnsafeMutableBufferPointer { p in read(fd, p.baseAddress! + end, p.count - end) }
        if n < 0 {
            throw CSVFileError(line: line, rule: "unreadable", message: "read failed: \(String(cString: strerror(errno)))")
        }
        if n == 0 { eof = true; return }
        buf.withUnsafeBufferPointer { p in hasher.add(UnsafeBufferPointer(rebasing: p[end..<(end + n)])) }
        end += n
        bytesRead += n
    }

    /// Reads the next record into `record`; returns false at the end of the file.
    package mutating func next(into record: inout CSVRecord) throws -> Bool {
        while true {
            if start == end {
                if eof { return false }
                try fill()
                continue
            }
            switch parse(into: &record) {
            case .complete: return true
            case .needMore:
                if eof {
                    // The last record has no newline: parse it with an implicit end.
                    if case .complete = parse(into: &record, atEOF: true) { return true }
                    throw CSVFileError(
                        line: line, rule: "unterminated-quote",
                        message: "a quoted field opened on line \(line) is never closed")
                }
                if end - start >= maxRecordBytes {
                    throw CSVFileError(
                        line: line, rule: "record-too-long",
                        message: "the record starting on line \(line) is longer than \(maxRecordBytes) bytes (an unterminated quote?)")
                }
                try fill()
            }
        }
    }

    private enum Outcome { case complete, needMore }

    /// Parses one record starting at `start`. On `.needMore` nothing is consumed.
    private mutating func parse(into r: inout CSVRecord, atEOF: Bool = false) -> Outcome {
        r.bytes.removeAll(keepingCapacity: true)
        r.ranges.removeAll(keepingCapacity: true)
        let d = delimiter
        let limit = end
        var newlines = 0
        var recordEnd = 0  // index after the record's last byte (before its line break)
        var next = 0  // index after the line break
        let outcome: Outcome = buf.withUnsafeBufferPointer { p in
            var i = start
            var fieldStart = r.bytes.count
            var inQuotes = false
            var quotedField = false
            while i < limit {
                let c = p[i]
                if inQuotes {
                    if c == 0x22 {
                        if i + 1 < limit {
                            if p[i + 1] == 0x22 { r.bytes.append(0x22); i += 2; continue }
                            inQuotes = false; i += 1; continue
                        }
                        if atEOF { inQuotes = false; i += 1; continue }
                        return .needMore
                    }
                    if c == 0x0A { newlines += 1 }
                    else if c == 0x0D && !(i + 1 < limit && p[i + 1] == 0x0A) { newlines += 1 }
                    r.bytes.append(c)
                    i += 1
                    continue
                }
                if c == d {
                    r.ranges.append(fieldStart..<r.bytes.count)
                    fieldStart = r.bytes.count
                    quotedField = false
                    i += 1
                } else if c == 0x0A || c == 0x0D {
                    if c == 0x0D {
                        if i + 1 >= limit && !atEOF { return .needMore }
                        next = (i + 1 < limit && p[i + 1] == 0x0A) ? i + 2 : i + 1
                    } else {
                        next = i + 1
                    }
                    recordEnd = i
                    r.ranges.append(fieldStart..<r.bytes.count)
                    return .complete
                } else if c == 0x22 && r.bytes.count == fieldStart && !quotedField {
                    inQuotes = true
                    quotedField = true
                    i += 1
                } else {
                    // An unquoted run: every byte up to the next delimiter or line break is the
                    // field's as it stands (a quote after the field's first byte is literal), so
                    // it is appended in one copy instead of a byte at a time.
                    var j = i + 1
                    while j < limit {
                        let b = p[j]
                        if b == d || b == 0x0A || b == 0x0D { break }
                        j += 1
                    }
                    r.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: p[i..<j]))
                    i = j
                }
            }
            if atEOF && !inQuotes {
                recordEnd = limit
                next = limit
                r.ranges.append(fieldStart..<r.bytes.count)
                return .complete
            }
            return .needMore
        }
        guard outcome == .complete else { return .needMore }
        r.line = line
        r.raw.removeAll(keepingCapacity: true)
        r.raw.append(contentsOf: buf[start..<recordEnd])
        line += 1 + newlines
        start = next
        return .complete
    }
}
