import Foundation
import Ledger

/// Writes rows as an aligned text table, CSV (RFC 4180, header line) or a JSON array of objects,
/// buffering the text and handing it to the caller's `write` in chunks of about 64 KiB.
struct TableWriter {
    /// One value of a row.
    enum Field {
        /// Text: quoted in JSON.
        case text(String)
        /// A number already formatted: bare in JSON.
        case number(String)
        /// A JSON array of strings as stored: an array in JSON, its items joined by "; " elsewhere.
        case list(String)
    }

    let columns: [String]
    let format: ForecastListing.Format
    let widths: [Int]
    private var buffer = ""
    private var json = JSONWriter()
    private var rows = 0

    init(columns: [String], format: ForecastListing.Format, widths: [Int]) {
        self.columns = columns
        self.format = format
        self.widths = zip(columns, widths).map { max($0.0.count, $0.1) }
        switch format {
        case .table: buffer = line(columns.map { .text($0) })
        case .csv: buffer = columns.joined(separator: ",") + "\n"
        case .json: json.beginArray(.block)
        }
    }

    /// Adds a row; passes the buffered text to `write` once it is large.
    mutating func row(_ fields: [Field], write: (String) -> Void) {
        switch format {
        case .table: buffer += line(fields)
        case .csv: buffer += fields.map { TableWriter.csv(TableWriter.plain($0)) }.joined(separator: ",") + "\n"
        case .json:
            json.beginObject()
            for (c, f) in zip(columns, fields) {
                json.key(c)
                TableWriter.write(f, into: &json)
            }
            json.endObject()
        }
        rows += 1
        if buffer.utf8.count >= 65_536 {
            write(buffer)
            buffer = ""
        }
        if json.text.utf8.count >= 65_536 { write(json.take()) }
    }

    /// Ends the output; returns the number of rows.
    mutating func finish(write: (String) -> Void) -> Int {
        if format == .json {
            json.endArray()
            json.newline()
            buffer += json.take()
        }
        if !buffer.isEmpty { write(buffer) }
        buffer = ""
        return rows
    }

    private func line(_ fields: [Field]) -> String {
        var s = ""
        for (k, f) in fields.enumerated() {
            let text = TableWriter.plain(f)
            let last = k == fields.count - 1
            if case .number = f {
                s += String(repeating: " ", count: max(0, widths[k] - text.count)) + text
            } else {
                s += last ? text : text + String(repeating: " ", count: max(0, widths[k] - text.count))
            }
            if !last { s += "  " }
        }
        return s + "\n"
    }

    private static func plain(_ f: Field) -> String {
        switch f {
        case .text(let s), .number(let s): return s
        case .list(let json): return items(json).joined(separator: "; ")
        }
    }

    private static func write(_ f: Field, into w: inout JSONWriter) {
        switch f {
        case .text(let s): w.string(s)
        case .number(let s): w.decimal(s)
        case .list(let json): w.array(items(json))
        }
    }

    private static func items(_ json: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? [json]
    }

    private static func csv(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
