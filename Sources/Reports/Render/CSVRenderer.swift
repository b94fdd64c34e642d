import Ledger

/// CSV. The plain dialect writes blocks: the report's name and day, then each figure block and
/// table under a title row, separated by an empty line. The Excel dialect writes one table per
/// file (`part`), headed in the workspace language, days as `21/11/2026`. Amounts stay numbers;
/// text from the ledger is neutralised.
struct CSVRenderer {
    let dialect: CSVDialect
    /// The language of the Excel dialect's headers and days.
    var language = "en"

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

    /// A field quoted when it holds the separator, a quote or a line break (RFC 4180). Scans the
    /// UTF-8 bytes: a report of 200,000 debtors calls this a million times.
    func field(_ s: String) -> String {
        let sep = dialect == .excelBE ? UInt8(ascii: ";") : UInt8(ascii: ",")
        guard s.utf8.contains(where: { $0 == sep || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) else { return s }
        var out = "\""
        for c in s.unicodeScalars {
            if c == "\"" { out += "\"\"" } else { out.unicodeScalars.append(c) }
        }
        return out + "\""
    }

    func value(_ c: Cell) -> String {
        switch c {
        case .text(let s), .link(let s, _), .debtor(let s, _): return field(CSVRenderer.neutralised(s))
        case .money(let m, let cur): return number(Money.decimalString(minorUnits: m, digits: cur.minorDigits))
        case .int(let n): return String(n)
        case .decimal(let d), .percent(let d): return number(d)
        case .day(let d):
            return field(CSVRenderer.neutralised(dialect == .excelBE ? Format.tableDay(d, language: language == "en" ? "nl" : language) : d))
        case .empty: return ""
        }
    }

    /// A canonical decimal (`-1234.56`) in the dialect's form (`-1234,56` for Excel BE).
    func number(_ d: String) -> String {
        dialect == .excelBE ? String(decoding: d.utf8.map { $0 == UInt8(ascii: ".") ? UInt8(ascii: ",") : $0 }, as: UTF8.self) : d
    }

    func row(_ cells: [String], write: (String) -> Void) { write(cells.joined(separator: separator) + lineEnd) }

    /// The ids of the figure blocks and tables the Excel dialect writes, one file each, in order.
    static func parts(_ doc: ReportDocument) -> [String] {
        doc.blocks.compactMap { block -> String? in
            switch block {
            case .figures(let id, _): id
            case .table(let t) where t.formats.contains(.csv): t.id
            default: nil
            }
        }
    }

    /// The table a report writes when it has one file only (standard output, `--out`).
    static let mainTable: [ReportKind: String] = [
        .aging: "debtors", .dunning: "reminders", .forecast: "weeks", .outbox: "waiting", .worklist: "worklist",
    ]

    /// One figure block or table (`part`, by id; the report's main table when nil) as an Excel file: BOM, a
    /// header row in the workspace language, then the rows.
    func renderPart(_ doc: ReportDocument, part: String?, write: (String) -> Void) throws {
        write("\u{FEFF}")
        let wanted = part ?? (doc.name == nil ? CSVRenderer.mainTable[doc.kind] : nil) ?? CSVRenderer.parts(doc).first
        for block in doc.blocks {
            switch block {
            case .figures(let id, let figures) where id == wanted:
                let header = ["figure", "label", "value"].map { CSVHeaders.label(Column($0, $0.capitalized), language: language) }
                row(header.map(field), write: write)
                for f in figures { row([field(f.key), field(CSVRenderer.neutralised(f.label)), value(f.value)], write: write) }
                return
            case .table(let t) where t.id == wanted && t.formats.contains(.csv):
                row(t.columns.map { field(CSVRenderer.neutralised(CSVHeaders.label($0, language: language))) }, write: write)
                for r in t.rows { row(r.map(value), write: write) }
                try t.stream? { r in row(r.map(value), write: write) }
                return
            default: continue
            }
        }
    }

    func render(_ doc: ReportDocument, write: (String) -> Void) throws {
        if dialect == .excelBE { return try renderPart(doc, part: nil, write: write) }
        row(["report", field(doc.name ?? doc.kind.rawValue)], write: write)
        row(["title", field(CSVRenderer.neutralised(doc.title))], write: write)
        row(["as_of", doc.asOf.description], write: write)
        for block in doc.blocks {
            switch block {
            case .heading, .chart, .later: continue
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
