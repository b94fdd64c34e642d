import Foundation
import Ledger
import Store

/// JSON, written in one pass so streamed tables never sit in memory:
/// `{"report", "title", "as_of", "generated_at", "sections": [...]}` where each section is a
/// figure block (`values` keyed by figure), a table (`rows` as objects keyed by column) or a note.
/// Amounts are strings holding the exact decimal (`"1234.56"`) next to a `currency` field.
struct JSONRenderer {
    let options: ReportOptions

    /// Writes one cell: texts, amounts and days as strings, counts and decimals as numbers, empty as `null`.
    func value(_ c: Cell, into w: inout JSONWriter) {
        switch c {
        case .text(let s), .link(let s, _), .debtor(let s, _): w.string(s)
        case .money(let m, let cur): w.string(Money.decimalString(minorUnits: m, digits: cur.minorDigits))
        case .int(let n): w.integer(n)
        case .decimal(let d), .percent(let d): w.decimal(d)
        case .day(let d): w.string(d)
        case .empty: w.null()
        }
    }

    func render(_ doc: ReportDocument, write: (String) -> Void) throws {
        var w = JSONWriter(capacity: 1 << 16)
        func flush(atLeast n: Int) {
            if w.text.utf8.count >= n { write(w.take()) }
        }
        w.beginObject()
        w.field("report", doc.name ?? doc.kind.rawValue)
        w.field("title", doc.title)
        w.field("as_of", doc.asOf.description)
        w.field("generated_at", Instant.string(options.generatedAt))
        w.key("sections")
        w.beginArray(.lineBeforeItem)
        for block in doc.blocks {
            switch block {
            case .heading, .chart, .later: continue
            case .note(let text):
                w.beginObject()
                w.field("type", "note")
                w.field("text", text)
                w.endObject()
            case .figures(let id, let figures):
                w.beginObject()
                w.field("type", "figures")
                w.field("id", id)
                w.key("values")
                w.beginObject()
                for f in figures {
                    w.key(f.key)
                    value(f.value, into: &w)
                }
                w.endObject()
                w.endObject()
            case .table(let t):
                guard t.formats.contains(.json) else { continue }
                w.beginObject()
                w.field("type", "table")
                w.field("id", t.id)
                w.field("title", t.title)
                w.key("rows")
                w.beginArray(.lineBeforeItem)
                let keys = t.columns.map(\.key)
                func emit(_ r: [Cell]) {
                    w.beginObject()
                    for (i, c) in r.enumerated() where i < keys.count {
                        w.key(keys[i])
                        value(c, into: &w)
                    }
                    w.endObject()
                    flush(atLeast: 1 << 16)
                }
                for r in t.rows { emit(r) }
                try t.stream?({ emit($0) })
                w.endArray()
                w.endObject()
            }
            flush(atLeast: 1 << 16)
        }
        w.newline()
        w.endArray()
        w.endObject()
        w.newline()
        write(w.take())
    }
}
