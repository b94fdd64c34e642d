import Foundation
import Ledger
import Support

/// A billing input file read whole (contracts, usage and index files are small: 50,000 contracts
/// are a few megabytes) through Support's streaming `CSVReader`: UTF-8 (a byte-order mark is
/// skipped), the delimiter taken from the header line (`,`, `;` or tab), header names matched to
/// canonical columns case- and accent-insensitively.
struct BillingCSV {
    /// One record with its fields decoded and trimmed (nil when empty).
    struct Record {
        var line: Int
        var fields: [String?]
        var raw: [UInt8]
        /// A field that is not valid UTF-8: its 1-based column.
        var badEncoding: Int?
    }

    let name: String
    let delimiter: UInt8
    let rawHeader: [UInt8]
    let byteOrderMark: Bool
    /// Canonical column → 0-based position in the file.
    let positions: [String: Int]
    var records: [Record] = []
    let bytes: Int
    let hash: UInt64

    /// A problem with the whole file: nothing in it is read.
    struct FileProblem: Error {
        var line: Int
        var rule: String
        var message: String
    }

    /// Reads `path`; `columns` are the canonical names, `required` those that must be present.
    /// Unknown header names are reported as warnings through `warn(line, column, message)`.
    init(path: String, columns: [String], required: Set<String>, warn: (Int, Int, String) -> Void) throws(FileProblem) {
        name = (path as NSString).lastPathComponent
        do {
            var reader = try CSVReader(path: path)
            let head = Array(try reader.peek(64 * 1024))
            byteOrderMark = head.starts(with: [0xEF, 0xBB, 0xBF])
            if byteOrderMark { try reader.skip(3) }
            // Lines starting with `#` are comments (an example file says there what its values are).
            let lines = (byteOrderMark ? head.dropFirst(3) : head[...]).split(whereSeparator: { $0 == 0x0A || $0 == 0x0D })
            let firstLine = lines.first { $0.first != UInt8(ascii: "#") } ?? []
            let counts = [UInt8(ascii: ";"), UInt8(ascii: ","), 0x09].map { d in (d, firstLine.filter { $0 == d }.count) }
            delimiter = counts.max { $0.1 < $1.1 }.map { $0.1 > 0 ? $0.0 : UInt8(ascii: ",") } ?? UInt8(ascii: ",")
            reader.delimiter = delimiter
            var record = CSVRecord()
            repeat {
                guard try reader.next(into: &record) else { throw FileProblem(line: 1, rule: "empty-file", message: "the file has no header") }
            } while record.raw.first == UInt8(ascii: "#")
            let headerLine = record.line
            rawHeader = record.raw
            var positions: [String: Int] = [:]
            for i in 0..<record.count {
                let header = String(decoding: record.field(i), as: UTF8.self)
                let key = foldHeader(header)
                if columns.contains(key), positions[key] == nil { positions[key] = i } else if !key.isEmpty {
                    warn(headerLine, i + 1, "column \"\(header)\" is not used")
                }
            }
            let missing = columns.filter { required.contains($0) && positions[$0] == nil }
            guard missing.isEmpty else {
                throw FileProblem(line: headerLine, rule: "missing-column",
                                  message: "required column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", ")) not in the header")
            }
            self.positions = positions
            while try reader.next(into: &record) {
                if record.isBlank || record.raw.first == UInt8(ascii: "#") { continue }
                var fields: [String?] = Array(repeating: nil, count: columns.count)
                var bad: Int? = nil
                for (c, column) in columns.enumerated() {
                    guard let p = positions[column] else { continue }
                    let bytes = record.field(p)
                    guard let s: String = String(validating: bytes, as: UTF8.self) else {
                        if bad == nil { bad = p + 1 }
                        continue
                    }
                    let t = s.trimmingCharacters(in: CharacterSet.whitespaces)
                    fields[c] = t.isEmpty ? nil : t
                }
                records.append(Record(line: record.line, fields: fields, raw: record.raw, badEncoding: bad))
            }
            bytes = reader.bytesRead
            hash = reader.hash
        } catch let e as CSVFileError {
            throw FileProblem(line: e.line, rule: e.rule, message: e.message)
        } catch let e as FileProblem {
            throw e
        } catch {
            throw FileProblem(line: 0, rule: "unreadable", message: "\(error)")
        }
    }

    /// The 1-based column of a canonical column in the file (0 when absent).
    func column(_ name: String) -> Int { positions[name].map { $0 + 1 } ?? 0 }
}

/// Writes the refused records verbatim to `<dir>/<file>.rejects.csv` through Support's
/// `RejectsWriter` (as Ingest does): `rejected_line`, `rejected_reason`, then the original header
/// and records, in the file's delimiter (billing files are UTF-8).
enum BillingRejects {
    static func write(_ csv: BillingCSV, rejected: [(line: Int, reasons: String, raw: [UInt8])], directory: String) throws -> String {
        let path = (directory as NSString).appendingPathComponent(csv.name + ".rejects.csv")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let writer: RejectsWriter
        do {
            writer = try RejectsWriter(path: path, rawHeader: csv.rawHeader, delimiter: csv.delimiter, asciiOnly: false,
                                       byteOrderMark: csv.byteOrderMark)
        } catch {
            throw BillingError.cannotWrite(path)
        }
        for r in rejected { writer.write(line: r.line, reasons: r.reasons, raw: r.raw) }
        writer.close()
        return path
    }
}

/// Reads and checks the fields of one record, collecting every problem with its column.
struct FieldReader {
    let csv: BillingCSV
    let columns: [String]
    let record: BillingCSV.Record
    var problems: [Diagnostic] = []

    init(csv: BillingCSV, columns: [String], record: BillingCSV.Record) {
        self.csv = csv
        self.columns = columns
        self.record = record
        if let bad = record.badEncoding {
            problems.append(Diagnostic(file: csv.name, line: record.line, column: bad, rule: "encoding",
                                       message: "a field is not valid UTF-8; save the file as UTF-8"))
        }
    }

    mutating func problem(_ column: String, _ rule: String, _ message: String) {
        problems.append(Diagnostic(file: csv.name, line: record.line, column: csv.column(column), rule: rule, message: message))
    }

    func text(_ column: String) -> String? { columns.firstIndex(of: column).flatMap { record.fields[$0] } }

    mutating func required(_ column: String) -> String? {
        guard let t = text(column) else {
            problem(column, "missing-field", "\(column) is required")
            return nil
        }
        return t
    }

    /// True when the field has a value; otherwise reports it missing.
    mutating func present(_ column: String) -> Bool {
        if text(column) != nil { return true }
        problem(column, "missing-field", "\(column) is required")
        return false
    }

    mutating func day(_ column: String) -> Day? {
        guard let t = text(column) else { return nil }
        switch DayParser.parse(t) {
        case .success(let d): return d
        case .failure(let p):
            problem(column, "date", "\(column): \(p.message)")
            return nil
        }
    }

    mutating func month(_ column: String) -> Month? {
        guard let t = text(column) else { return nil }
        guard let m = Month(text: t) else {
            problem(column, "month", "\(column) must be a month written YYYY-MM, found \"\(t)\"")
            return nil
        }
        return m
    }

    mutating func money(_ column: String, _ currency: Currency) -> Money? {
        guard let t = text(column) else { return nil }
        switch AmountParser.parse(t, currency: currency, decimal: nil) {
        case .success(let m): return m
        case .failure(let p):
            problem(column, "amount", "\(column): \(p.message)")
            return nil
        }
    }

    mutating func decimal(_ column: String) -> Decimal? {
        guard let t = text(column) else { return nil }
        guard let d = BillingRounding.parse(t) else {
            problem(column, "number", "\(column) must be a plain number such as 12 or 1.5, found \"\(t)\"")
            return nil
        }
        return d
    }

    mutating func int(_ column: String, _ range: ClosedRange<Int>) -> Int? {
        guard let t = text(column) else { return nil }
        guard let n = Int(t), range.contains(n) else {
            problem(column, "number", "\(column) must be a whole number from \(range.lowerBound) to \(range.upperBound), found \"\(t)\"")
            return nil
        }
        return n
    }

    mutating func bool(_ column: String) -> Bool? {
        guard let t = text(column) else { return nil }
        switch t.lowercased() {
        case "1", "true", "yes", "y", "ja", "j", "oui", "o", "waar", "vrai", "on": return true
        case "0", "false", "no", "n", "nee", "non", "onwaar", "faux", "off": return false
        default:
            problem(column, "boolean", "\(column) must be true or false, found \"\(t)\"")
            return nil
        }
    }

    var hasErrors: Bool { problems.contains { $0.severity == .error } }
}
