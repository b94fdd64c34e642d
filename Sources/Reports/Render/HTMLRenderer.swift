import Foundation
import Ledger
import Store

/// One self-contained HTML file: inline CSS and SVG, no scripts, no external resources, every
/// value escaped, laid out for a screen and for A4 paper (`@page`).
struct HTMLRenderer {
    let options: ReportOptions

    /// Escapes text for element content and attribute values.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\r", "\n", "\t": out += " "
            default:
                // Other control characters are not allowed in HTML text.
                if c.value < 0x20 || (0x7F...0x9F).contains(c.value) { out += "\u{FFFD}" } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }

    func render(_ doc: ReportDocument, write: (String) -> Void) throws {
        let e = HTMLRenderer.escape
        let title = doc.title + " — " + Format.longDay(doc.asOf, language: options.language)
        write("""
            <!DOCTYPE html>
            <html lang="\(e(options.language))">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
            <meta name="generator" content="relance">
            <title>\(e(title))</title>
            <style>\(HTMLRenderer.css)</style>
            </head>
            <body>
            <header>
            <div class="brand">\(e(options.company ?? "Relance"))\(doc.upLink.map { " · <a href=\"\(e($0))\">morning page</a>" } ?? "")</div>
            <h1>\(e(doc.title))</h1>
            <p class="meta">As of <strong>\(e(Format.longDay(doc.asOf, language: options.language)))</strong> · \(e(doc.subtitle))</p>
            </header>
            <main>

            """)
        for block in doc.blocks {
            switch block {
            case .heading(let h): write("<h2>\(e(h))</h2>\n")
            case .figures(_, let figures):
                write("<div class=\"cards\">\n")
                for f in figures {
                    write("<div class=\"card \(f.tone.rawValue)\"><div class=\"label\">\(e(f.label))</div>"
                        + "<div class=\"value\">\(cell(f.value))</div></div>\n")
                }
                write("</div>\n")
            case .chart(let chart): write("<figure>" + SVGChart.svg(chart, language: options.language) + "</figure>\n")
            case .note(let text): write("<p class=\"note\">\(e(text))</p>\n")
            case .later: continue  // resolved before rendering (`resolvingLater`)
            case .table(let table):
                guard table.formats.contains(.html) else { continue }
                try render(table, write: write)
            }
        }
        write("""
            </main>
            <footer>Relance report <code>\(e(doc.name ?? doc.kind.rawValue))</code> as of \(e(doc.asOf.description)) · made \(e(Instant.string(options.generatedAt))) (UTC) · confidential: personal data of debtors</footer>
            </body>
            </html>

            """)
    }

    func render(_ table: Table, write: (String) -> Void) throws {
        let e = HTMLRenderer.escape
        write("<section class=\"table\">\n<h3>\(e(table.title))</h3>\n")
        if let c = table.caption { write("<p class=\"caption\">\(e(c))</p>\n") }
        write("<table>\n<thead><tr>")
        let visible = table.columns.filter { $0.layout != .dataOnly }
        for c in visible { write((c.htmlClass.map { "<th class=\"\($0)\">" } ?? "<th>") + e(c.label) + "</th>") }
        write("</tr></thead>\n<tbody>\n")
        var shown = 0, more = 0
        let limit = table.htmlLimit ?? Int.max
        func emit(_ row: [Cell]) {
            guard shown < limit else { more += 1; return }
            shown += 1
            var line = "<tr>"
            for (i, v) in row.enumerated() where i >= table.columns.count || table.columns[i].layout != .dataOnly {
                let cls = i < table.columns.count ? table.columns[i].htmlClass : nil
                line += (cls.map { "<td class=\"\($0)\">" } ?? "<td>") + cell(v, inTable: true) + "</td>"
            }
            write(line + "</tr>\n")
        }
        for r in table.rows { emit(r) }
        try table.stream?({ emit($0) })
        more += table.omitted
        if shown == 0 {
            write("<tr><td class=\"empty\" colspan=\"\(visible.count)\">\(e(table.emptyText))</td></tr>\n")
        }
        write("</tbody>\n</table>\n")
        if more > 0 {
            write("<p class=\"more\">… and \(more) more row\(more == 1 ? "" : "s"): the CSV and JSON formats list them all.</p>\n")
        }
        write("</section>\n")
    }

    /// A value as HTML; in a table an amount has no currency symbol (tables have a currency column).
    func cell(_ v: Cell, inTable: Bool = false) -> String {
        let lang = options.language
        if inTable, case .money(let m, let c) = v { return Format.grouped(minor: m, digits: c.minorDigits, language: lang) }
        switch v {
        case .text(let s): return HTMLRenderer.escape(s)
        case .link(let s, let href): return "<a href=\"\(HTMLRenderer.escape(href))\">\(HTMLRenderer.escape(s))</a>"
        case .debtor(let s, let id):
            guard let prefix = options.debtorPages else { return HTMLRenderer.escape(s) }
            options.linkedDebtors?.add(id)
            return "<a href=\"\(HTMLRenderer.escape(prefix + DebtorPage.fileName(id)))\">\(HTMLRenderer.escape(s))</a>"
        case .money(let m, let c): return HTMLRenderer.escape(Format.money(m, c, language: lang))
        case .int(let n): return Format.grouped(minor: Int64(n), digits: 0, language: lang)
        case .decimal(let d): return HTMLRenderer.escape(LocalFormat.decimal(d, language: lang))
        case .percent(let d): return HTMLRenderer.escape(LocalFormat.decimal(d, language: lang)) + "\u{00A0}%"
        case .day(let d): return HTMLRenderer.escape(Format.tableDay(d, language: lang))
        case .empty: return "–"
        }
    }

    static let css = """

        @page { size: A4; margin: 14mm 12mm 16mm 12mm; }
        * { box-sizing: border-box; }
        html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        body { margin: 0 auto; max-width: 200mm; padding: 8mm 6mm; color: #1d2733; background: #fff;
          font: 10pt/1.4 "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; }
        header { border-bottom: 2px solid #1f4e79; padding-bottom: 3mm; margin-bottom: 5mm; }
        .brand { font-size: 9pt; letter-spacing: .08em; text-transform: uppercase; color: #1f4e79; font-weight: bold; }
        h1 { font-size: 18pt; margin: 1mm 0 1mm; color: #10263d; }
        h2 { font-size: 12.5pt; margin: 7mm 0 2mm; color: #1f4e79; border-bottom: 1px solid #d5dde6; padding-bottom: 1mm;
          break-after: avoid; }
        h3 { font-size: 10.5pt; margin: 4mm 0 1.5mm; color: #10263d; break-after: avoid; }
        .meta, .caption, .more { color: #5a6978; margin: 0 0 2mm; }
        .caption, .more { font-size: 8.5pt; }
        .note { background: #fff8e6; border-left: 3px solid #e0a100; padding: 2mm 3mm; margin: 3mm 0; font-size: 9pt; }
        .cards { display: flex; flex-wrap: wrap; gap: 3mm; margin: 2mm 0 4mm; }
        .card { flex: 1 1 38mm; border: 1px solid #d5dde6; border-top: 3px solid #1f4e79; border-radius: 2px;
          padding: 2mm 3mm; break-inside: avoid; }
        .card.good { border-top-color: #2e7d32; } .card.warn { border-top-color: #e0a100; } .card.bad { border-top-color: #c62828; }
        .card .label { font-size: 8pt; color: #5a6978; text-transform: uppercase; letter-spacing: .04em; }
        .card .value { font-size: 13pt; font-weight: bold; font-variant-numeric: tabular-nums; white-space: nowrap; }
        figure { margin: 2mm 0 4mm; break-inside: avoid; }
        figure svg { width: 100%; height: auto; display: block; }
        section.table { margin-bottom: 4mm; }
        table { width: 100%; border-collapse: collapse; font-size: 8pt; }
        thead { display: table-header-group; }
        tr { break-inside: avoid; }
        th { text-align: left; background: #1f4e79; color: #fff; font-weight: bold; padding: 1.2mm 1.5mm; vertical-align: bottom; }
        td { padding: 1mm 1.5mm; border-bottom: 1px solid #e3e8ee; vertical-align: top; overflow-wrap: break-word; }
        tbody tr:nth-child(even) td { background: #f5f8fb; }
        .n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .nowrap { white-space: nowrap; }
        td.wide { min-width: 40mm; }
        td.name { min-width: 30mm; }
        td.empty { color: #5a6978; font-style: italic; text-align: center; }
        footer { margin-top: 8mm; border-top: 1px solid #d5dde6; padding-top: 2mm; font-size: 7.5pt; color: #5a6978; }
        code { font-family: "DejaVu Sans Mono", monospace; }
        a { color: #1f4e79; }
        @media print { body { padding: 0; max-width: none; } }

        """
}
