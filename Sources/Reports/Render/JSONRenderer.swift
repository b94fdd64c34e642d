import Foundation
import Ledger
import Store

/// JSON, written in one pass so streamed tables never sit in memory:
/// `{"report", "title", "as_of", "generated_at", "sections": [...]}` where each section is a
/// figure block (`values` keyed by figure), a table (`rows` as objects keyed by column) or a note.
/// Amounts are strings holding the exact decimal (`"1234.56"`) next to a `currency` field.
struct JSONRenderer {
    let options: ReportOptions

    func value(_ c: Cell) -> String {
        switch c {
        case .text(let s), .link(let s, _), .debtor(let s, _): return JSONText.quoted(s)
        case .money(let m, let cur): return JSONText.quoted(Money.decimalString(minorUnits: m, digits: cur.minorDigits))
        case .int(let n): return String(n)
        case .decimal(let d), .percent(let d): return d
        case .day(let d): return JSONText.quoted(d)
        case .empty: return "null"
        }
    }

    func render(_ doc: ReportDocument, write: (String) -> Void) throws {
        let q = JSONText.quoted
        write("{\"report\":\(q(doc.name ?? doc.kind.rawValue)),\"title\":\(q(doc.title)),\"as_of\":\(q(doc.asOf.description)),")
        write("\"generated_at\":\(q(Instant.string(options.generatedAt))),\"sections\":[")
        var firstSection = true
        func open(_ s: String) {
            write(firstSection ? "\n" : ",\n")
            firstSection = false
            write(s)
        }
        for block in doc.blocks {
            switch block {
            case .heading, .chart: continue
            case .note(let text): open("{\"type\":\"note\",\"text\":\(q(text))}")
            case .figures(let id, let figures):
                let values = figures.map { "\(q($0.key)):\(value($0.value))" }.joined(separator: ",")
                open("{\"type\":\"figures\",\"id\":\(q(id)),\"values\":{\(values)}}")
            case .table(let t):
                guard t.formats.contains(.json) else { continue }
                open("{\"type\":\"table\",\"id\":\(q(t.id)),\"title\":\(q(t.title)),\"rows\":[")
                let keys = t.columns.map { q($0.key) }
                var first = true
                func emit(_ r: [Cell]) {
                    var line = first ? "\n{" : ",\n{"
                    first = false
                    for (i, c) in r.enumerated() where i < keys.count {
                        line += (i == 0 ? "" : ",") + keys[i] + ":" + value(c)
                    }
                    write(line + "}")
                }
                for r in t.rows { emit(r) }
                try t.stream?({ emit($0) })
                write("]}")
            }
        }
        write("\n]}\n")
    }
}
