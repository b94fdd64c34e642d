import Ledger

/// CSV in blocks: the report's name and day, then each figure block and table under a title row,
/// separated by an empty line. Amounts stay numbers; text from the ledger is neutralised.
struct CSVRenderer {
    let dialect: CSVDialect

    var separator: String { dialect == .excelBE ? ";" : "," }
    var lineEnd: String { dialect == .excelBE ? "\r\n" : "\n" }

    /// Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR, LF first) gets
    /// a leading apostrophe, so `=HYPERLINK(…)` in a debtor's name stays text (OWASP CSV injection).
    static func neutralised(_ s: String) -> String {
        guard let first = s.unicodeScalars.first else { return s }
        switch first {
        case "=", "+", "-", "@", "\t", "\r", "\n", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}": return "'" + s
        default: return s
        }
    }

    /// A field quoted when it holds the separator, a quote or a line break (RFC 4180).
    func field(_ s: String) -> String {
        let needs = s.contains(separator) || s.contains("\"") || s.contains("\n") || s.contains("\r")
        return needs ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    func value(_ c: Cell) -> String {
        switch c {
        case .text(let s): return field(CSVRenderer.neutralised(s))
        case .money(let m, let cur): return number(Money.decimalString(minorUnits: m, digits: cur.minorDigits))
        case .int(let n): return String(n)
        case .decimal(let d), .percent(let d): return number(d)
        case .day(let d): return field(CSVRenderer.neutralised(d))
        case .empty: return ""
        }
    }

    /// A canonical decimal (`-1234.56`) in the dialect's form (`-1234,56` for Excel BE).
    func number(_ d: String) -> String { dialect == .excelBE ? d.replacingOccurrences(of: ".", with: ",") : d }

    func row(_ cells: [String], write: (String) -> Void) { write(cells.joined(separator: separator) + lineEnd) }

    func render(_ doc: ReportDocument, write: (String) -> Void) throws {
        if dialect == .excelBE { write("\u{FEFF}") }
        row(["report", field(doc.kind.rawValue)], write: write)
        row(["title", field(CSVRenderer.neutralised(doc.title))], write: write)
        row(["as_of", doc.asOf.description], write: write)
        for block in doc.blocks {
            switch block {
            case .heading, .chart: continue
            case .note(let text):
                write(lineEnd)
                row(["note", field(CSVRenderer.neutralised(text))], write: write)
            case .figures(let id, let figures):
                write(lineEnd)
                row([field(id)], write: write)
                row(["figure", "label", "value"], write: write)
                for f in figures { row([field(f.key), field(CSVRenderer.neutralised(f.label)), value(f.value)], write: write) }
            case .table(let t):
                guard t.formats.contains(.csv) else { continue }
                write(lineEnd)
                row([field(t.id)], write: write)
                row(t.columns.map { field($0.key) }, write: write)
                for r in t.rows { row(r.map(value), write: write) }
                try t.stream? { r in row(r.map(value), write: write) }
            }
        }
    }
}
