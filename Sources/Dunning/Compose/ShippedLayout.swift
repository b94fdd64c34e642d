/// The shipped HTML e-mail layout (`Content/templates/layout.html.mustache`) written out as Swift, for
/// issue 17: swift-mustache took 13 % of a `dunning run`'s CPU rendering it (a dynamic cast per
/// value, a look-up up the context stack per variable, its HTML escape one `Character` and one
/// dictionary look-up at a time). ``ReminderTemplates`` uses this only when the workspace's layout is
/// the shipped text byte for byte (``matches(_:)``: its length and FNV-1a digest); an edited layout,
/// and a layout after an edit of the shipped one until this function and ``digest`` follow it, goes
/// through swift-mustache as before. `ShippedLayoutTests` checks that both render the same bytes for
/// the golden reminders and for contexts full of characters to escape, empty lists and absent values.
///
/// What swift-mustache does with this text, and so what this does: a standalone `{{/section}}` line
/// disappears with its line break; `{{#before}}`, `{{#lines}}` and the other lists repeat for each
/// element (an empty list renders nothing); `{{#strong}}` renders when true; `{{#company_details}}`
/// renders for any string, even empty (a string is not falsy there); `{{#company_email}}` and
/// `{{#company_phone}}` only when present; inside `{{#sections}}`, `{{#columns}}` are the layout's;
/// every `{{value}}` is HTML-escaped as swift-mustache escapes (`escape(_:into:)`).
enum ShippedLayout {
    /// The shipped layout's length in bytes and FNV-1a digest (64 bits) of its UTF-8 text.
    static let length = 2_089
    static let digest: UInt64 = 0xf605_0597_5614_bf6a

    /// Whether `text` is the layout this renderer was written for.
    static func matches(_ text: String) -> Bool {
        text.utf8.count == length && fnv1a(text) == digest
    }

    /// The FNV-1a digest (64 bits) of `text`'s UTF-8 bytes.
    static func fnv1a(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// Appends `text` HTML-escaped as swift-mustache's `htmlEscape` does: `<`, `>`, `&`, `"` and `'`
    /// compared as whole characters (a `<` with a combining mark is another character and stays).
    static func escape(_ text: String, into out: inout String) {
        let plain = !text.utf8.contains { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 }
        if plain {
            out += text
            return
        }
        for c in text {
            switch c {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
    }

    /// The layout rendered with `c`.
    static func render(_ c: EmailLayoutContext) -> String {
        var o = ""
        o.reserveCapacity(4_096)
        o += "<!DOCTYPE html>\n<html lang=\""
        escape(c.language, into: &o)
        o += "\">\n<head><meta charset=\"utf-8\"><title>"
        escape(c.subject, into: &o)
        o += "</title></head>\n<body style=\"font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 14px; color: #1a1a1a; max-width: 720px;\">\n<p style=\"color:#555\">"
        escape(c.company_name, into: &o)
        o += "</p>\n"
        paragraphs(c.before, into: &o)
        o += "<table style=\"border-collapse: collapse; width: 100%; margin: 12px 0;\">\n"
        table(c.columns, c.rows, into: &o)
        o += "<tfoot>\n"
        for t in c.totals {
            let strong = t.strong ? " font-weight: bold; border-top: 1px solid #999;" : ""
            o += "<tr><td colspan=\""
            escape(String(describing: t.span), into: &o)
            o += "\" style=\"text-align:right; padding: 4px;"
            o += strong
            o += "\">"
            escape(t.label, into: &o)
            o += "</td><td style=\"text-align:right; padding: 4px;"
            o += strong
            o += "\">"
            escape(t.amount, into: &o)
            o += "</td></tr>\n"
        }
        o += "</tfoot>\n</table>\n"
        for s in c.sections {
            o += "<p style=\"margin: 12px 0 4px 0;\"><strong>"
            escape(s.title, into: &o)
            o += "</strong></p>\n<table style=\"border-collapse: collapse; width: 100%; margin: 0 0 12px 0; color: #444;\">\n"
            table(c.columns, s.rows, into: &o)
            o += "</table>\n"
        }
        paragraphs(c.after, into: &o)
        o += "<table style=\"border: 1px solid #999; padding: 8px; margin-top: 12px;\">\n<tr><th colspan=\"2\" style=\"text-align:left;\">"
        escape(c.payment_title, into: &o)
        o += "</th></tr>\n"
        for p in c.payment {
            o += "<tr><td style=\"padding-right: 12px; color:#555;\">"
            escape(p.label, into: &o)
            o += "</td><td>"
            escape(p.value, into: &o)
            o += "</td></tr>\n"
        }
        o += "</table>\n<p style=\"color:#777; font-size: 12px;\">"
        escape(c.company_name, into: &o)
        o += " · "
        escape(c.company_details, into: &o)
        if let e = c.company_email {
            o += " · "
            escape(e, into: &o)
        }
        if let p = c.company_phone {
            o += " · "
            escape(p, into: &o)
        }
        o += "</p>\n</body>\n</html>\n"
        return o
    }

    /// `{{#before}}` or `{{#after}}`: a `<p>` per paragraph, each line followed by `<br>`.
    private static func paragraphs(_ ps: [EmailLayoutContext.Paragraph], into o: inout String) {
        for p in ps {
            o += "<p>"
            for line in p.lines {
                escape(line, into: &o)
                o += "<br>"
            }
            o += "</p>\n"
        }
    }

    /// The `<thead>` of `columns` and the `<tbody>` of `rows`.
    private static func table(_ columns: [EmailLayoutContext.Column], _ rows: [EmailLayoutContext.Row], into o: inout String) {
        o += "<thead><tr>"
        for col in columns {
            o += "<th style=\"text-align:"
            escape(col.align, into: &o)
            o += "; border-bottom: 1px solid #999; padding: 4px;\">"
            escape(col.title, into: &o)
            o += "</th>"
        }
        o += "</tr></thead>\n<tbody>\n"
        for r in rows {
            o += "<tr>"
            for cell in r.cells {
                o += "<td style=\"text-align:"
                escape(cell.align, into: &o)
                o += "; padding: 4px; border-bottom: 1px solid #eee;\">"
                escape(cell.text, into: &o)
                o += "</td>"
            }
            o += "</tr>\n"
        }
        o += "</tbody>\n"
    }
}
