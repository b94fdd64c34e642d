import Foundation
import Ledger
import Support
import TOMLKit

/// How to read one export that does not use the canonical or built-in alias headers, or whose
/// format cannot be detected: a small TOML file given with `--mapping`.
///
/// ```toml
/// encoding = "windows-1252"        # or "utf-8"; detected when absent
/// delimiter = ";"                  # ";", ",", "\t" or "|"; detected when absent
/// decimal_separator = ","          # "," or "."; needed only for values like 1,234
/// date_format = "DD/MM/YYYY"       # or "MM/DD/YYYY"; ISO dates are always accepted
/// skip_repeated_keys = false       # true: a later row repeating a key is skipped, not rejected
/// ignore = ["Disputed"]            # export columns to leave unread
/// [columns]
/// invoice_number = "Fact. nr"      # canonical name = header in the export
/// ```
package struct Mapping: Sendable, Equatable {
    package var encoding: TextEncoding?
    package var delimiter: UInt8?
    package var decimalSeparator: DecimalSeparator?
    package var dateOrder: DateOrder = .dmy
    /// Skip a row whose key an earlier row already had, instead of rejecting it: for exports that
    /// repeat a record on every line (debtors read from an invoice list).
    package var skipRepeatedKeys = false
    /// Folded headers of export columns to leave unread, even when they carry a canonical name.
    package var ignore: Set<String> = []
    /// Canonical column → folded header name in the export.
    package var columns: [Column: String] = [:]

    package init() {}

    /// A problem in a mapping file, with the key path.
    package struct Problem: Error, CustomStringConvertible {
        package let file: String
        package let line: Int
        package let key: String
        package let message: String
        package var description: String { "\(file):\(line):0: error: [mapping] \(key): \(message)" }
    }

    /// Reads and validates a mapping file; every problem is reported, the first thrown.
    package static func load(path: String) throws -> Mapping {
        let name = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Problem(file: name, line: 0, key: "", message: "cannot read the mapping file as UTF-8 text")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw Problem(file: name, line: e.source.begin.line, key: "", message: e.description)
        }
        func lineOf(_ key: String) -> Int {
            for (i, l) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where l.trimmingCharacters(in: .whitespaces).hasPrefix(key) { return i + 1 }
            return 0
        }
        var m = Mapping()
        for (key, value) in table {
            switch key {
            case "encoding":
                guard let s = value.string, let e = TextEncoding(name: s) else {
                    throw Problem(file: name, line: lineOf(key), key: key, message: "expected \"utf-8\" or \"windows-1252\"")
                }
                m.encoding = e
            case "delimiter":
                guard let s = value.string, s.utf8.count == 1, let b = s.utf8.first, [0x3B, 0x2C, 0x09, 0x7C].contains(b) else {
                    throw Problem(file: name, line: lineOf(key), key: key, message: "expected \";\", \",\", \"\\t\" or \"|\"")
                }
                m.delimiter = b
            case "decimal_separator":
                guard let s = value.string, let d = DecimalSeparator(rawValue: s) else {
                    throw Problem(file: name, line: lineOf(key), key: key, message: "expected \",\" or \".\"")
                }
                m.decimalSeparator = d
            case "date_format":
                guard let s = value.string, let d = DateOrder(rawValue: s.uppercased()) else {
                    throw Problem(file: name, line: lineOf(key), key: key,
                                  message: "expected \"DD/MM/YYYY\", \"MM/DD/YYYY\" or \"YYYY-MM-DD\"")
                }
                m.dateOrder = d
            case "skip_repeated_keys":
                guard let b = value.bool else {
                    throw Problem(file: name, line: lineOf(key), key: key, message: "expected true or false")
                }
                m.skipRepeatedKeys = b
            case "ignore":
                guard let arr = value.array, arr.allSatisfy({ $0.string != nil }) else {
                    throw Problem(file: name, line: lineOf(key), key: key, message: "expected a list of header names")
                }
                m.ignore = Set(arr.compactMap { $0.string.map(foldHeader) })
            case "columns":
                guard let cols = value.table else {
                    throw Problem(file: name, line: lineOf(key), key: key, message: "expected a table [columns]")
                }
                for (canonical, header) in cols {
                    guard let c = Column(rawValue: canonical) else {
                        throw Problem(file: name, line: lineOf(canonical), key: "columns.\(canonical)",
                                      message: "not a canonical column (\(Column.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    guard let h = header.string, !h.isEmpty else {
                        throw Problem(file: name, line: lineOf(canonical), key: "columns.\(canonical)",
                                      message: "expected the export's header name as a string")
                    }
                    m.columns[c] = foldHeader(h)
                }
            default:
                throw Problem(file: name, line: lineOf(key), key: key,
                              message: "unknown key (expected encoding, delimiter, decimal_separator, date_format, skip_repeated_keys, ignore, [columns])")
            }
        }
        return m
    }
}
