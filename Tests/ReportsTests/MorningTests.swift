import Foundation
import GRDB
import Ledger
import RelanceTestSupport
import Store
import Testing

@testable import Reports

/// The morning page, debtor pages, trends, the snapshot, Belgian formats and the Excel CSV.
@Suite struct MorningTests {
    /// The seeded ledger plus what the needs-a-look list reads: a night's import with rejected rows
    /// and a new dispute, a rate that is missing, a held day.
    func night() throws -> TempLedger {
        let l = try TempLedger()
        try seedLedger(l.store)
        try l.store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO ingest_batch (id, kind, file_name, file_path, file_bytes, file_hash, encoding, as_of, started_at, finished_at,
                  rows_read, rows_imported, rows_updated, rows_unchanged, rows_rejected)
                VALUES (2, 'invoices', 'invoices <2>.csv', '/tmp/invoices.csv', 100, 'h2', 'utf-8', '2026-11-21', '2026-11-21T01:00:00.000Z',
                  '2026-11-21T01:00:01.000Z', 10, 7, 0, 0, 3);
                INSERT INTO record_change (batch_id, entity, entity_key, change, old_values, new_values)
                VALUES (2, 'invoice', 'F-005', 'update', '{"disputed":"0"}', '{"disputed":"1"}');
                INSERT INTO dunning_exclusion (as_of, reason, level, currency, debtors, items, amount_minor)
                VALUES ('2026-11-21', 'waits for the 2026-H2 interest rate', 'debtor', 'EUR', 2, 3, 90000);
                UPDATE dunning_event SET held_reason = 'anomaly: 4× the median' WHERE id = 6;
                """)
        }
        return l
    }

    func options(_ language: String) -> ReportOptions {
        ReportOptions(csvDialect: .excelBE, topRows: 5, generatedAt: seedNow, company: "Demo <Facturatie> BV", language: language)
    }

    func read(_ path: String) throws -> String { String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) }

    @Test func localFormatFollowsTheLanguage() {
        let m = Money(minorUnits: 76_348_178, currency: .eur)
        #expect(LocalFormat.money(m, language: "nl") == "€ 763.481,78")
        #expect(LocalFormat.money(m, language: "fr") == "€ 763.481,78")
        #expect(LocalFormat.money(m, language: "de") == "€ 763.481,78")
        #expect(LocalFormat.money(m, language: "en") == "€763,481.78")
        #expect(LocalFormat.money(Money(minorUnits: -1_234_56, currency: .eur), language: "nl") == "−€ 1.234,56")
        #expect(LocalFormat.number(minor: -100_000_000, digits: 0, language: "nl") == "-100.000.000")
        let d = Day(iso: "2026-11-21")!
        #expect(LocalFormat.short(d, language: "nl") == "21/11/2026")
        #expect(LocalFormat.short(d, language: "fr") == "21/11/2026")
        #expect(LocalFormat.short(d, language: "de") == "21.11.2026")
        #expect(LocalFormat.long(d, language: "de") == "21. November 2026")
        #expect(LocalFormat.long(d, language: "fr") == "21 novembre 2026")
        #expect(LocalFormat.decimal("41.3", language: "nl") == "41,3")
        #expect(Format.money(76_348_178, .eur, language: "nl") == "€\u{00A0}763.481,78")
        #expect(Format.money(76_348_178, .eur) == "€\u{00A0}763,481.78", "English reports keep their format")
    }

    /// `writeAll` streams a listing that HTML shortens once, for CSV, and renders HTML from the rows
    /// it kept: every file must equal the report rendered on its own, "… and N more rows" included.
    @Test func writeAllStreamsEachListingOnceAndWritesWhatEachReportWritesAlone() throws {
        let l = try night()
        for dialect in [CSVDialect.standard, .excelBE] {
            var options = pinnedOptions(dialect)
            options.topRows = 1
            let folder = l.dir + "/out/once-\(dialect)"
            let paths = try Reports.writeAll(asOf: seedDay, store: l.store, folder: folder, options: options)
            var shortened = 0
            for kind in ReportKind.allCases {
                let html = try read(folder + "/\(seedDay)/\(kind.rawValue).html")
                #expect(html == (try Reports.text(kind: kind, format: .html, asOf: seedDay, store: l.store, options: options)), "\(kind)")
                if html.contains("more row") { shortened += 1 }
                if dialect == .standard {
                    #expect(try read(folder + "/\(seedDay)/\(kind.rawValue).csv")
                            == (try Reports.text(kind: kind, format: .csv, asOf: seedDay, store: l.store, options: options)))
                }
            }
            #expect(shortened > 0, "the seeded ledger must have a listing longer than topRows for this test to mean anything")
            #expect(paths.first?.hasSuffix("aging.html") == true, "paths keep the order of the formats asked for")
        }
    }

    /// The worklist's totals summed from its listing (what a night's reports show, the listing
    /// streamed once) equal those of their own query: per currency, with and without a forecast run.
    @Test func worklistTotalsFromTheListingEqualTheirOwnQuery() throws {
        let l = try night()
        let runID = try l.store.pool.read { db in try ReportQueries.latestForecastRun(db, onOrBefore: seedDay)?.id }
        #expect(runID != nil)
        for run in [runID, nil] {
            let (query, summed) = try l.store.pool.read { db in
                var sums = WorklistSums()
                let cursor = try ReportQueries.worklistCursor(db, asOf: seedDay, runID: run)
                while let line = try cursor.next() { sums.add(line) }
                return (try ReportQueries.worklistTotals(db, asOf: seedDay, runID: run), sums.totals)
            }
            #expect(query.count == 2, "the seeded ledger has overdue invoices in two currencies")
            #expect(query.map(\.currency) == summed.map(\.currency))
            #expect(query.map(\.debtors) == summed.map(\.debtors))
            #expect(query.map(\.overdue) == summed.map(\.overdue))
            #expect(query.map(\.risk) == summed.map(\.risk))
        }
        // The Excel CSV figure files of a night equal the figures of their own query.
        let options = options("nl")
        let folder = l.dir + "/out/totals"
        let paths = try Reports.writeAll(asOf: seedDay, store: l.store, folder: folder, options: options)
        let alone = try l.store.pool.read { db in try Reports.build(.worklist, db: db, asOf: seedDay, options: options) }
        let parts = CSVRenderer.parts(alone)
        #expect(parts == ["figures_eur", "figures_usd", "worklist"])
        let names = paths.map { ($0 as NSString).lastPathComponent }.filter { $0.hasPrefix("worklist-") }
        #expect(names == parts.map { "worklist-\($0).csv" }, "the files in the document's order")
        for part in parts where part.hasPrefix("figures") {
            var text = ""
            try CSVRenderer(dialect: .excelBE, language: options.language).renderPart(alone, part: part) { text += $0 }
            #expect(try read(folder + "/\(seedDay)/worklist-\(part).csv") == text, "\(part)")
        }
    }

    @Test func morningFolderHasIndexReportsTrendsAndDebtorPages() throws {
        let l = try night()
        let folder = l.dir + "/out/reports"
        let m = try Reports.writeMorning(asOf: seedDay, store: l.store, folder: folder, options: options("nl"), workspace: l.dir)
        let dir = folder + "/2026-11-21"
        #expect(m.index == dir + "/index.html")
        for f in ["index.html", "trends.html", "aging.html", "worklist.html", "aging-debtors.csv", "aging-buckets.csv",
                  "worklist-worklist.csv", "debtors/2.html", "debtors/3.html"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + f), "\(f)")
            #expect(mode(dir + "/" + f) == 0o600, "\(f)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/aging.csv"), "one table per file in the Excel dialect")
        #expect(m.debtorPages >= 5 && m.debtorPages <= 10, "the worklist's first 5 and the 5 largest balances")
        let index = try read(m.index)
        for link in ["href=\"worklist.html\"", "href=\"aging.html\"", "href=\"trends.html\"", "href=\"debtors/2.html\"",
                     "href=\"dunning.html\"", "href=\"outbox.html\""] {
            #expect(index.contains(link), "\(link)")
        }
        // Every debtor page the reports link to exists.
        for report in ["worklist.html", "aging.html"] {
            let html = try read(dir + "/" + report)
            #expect(html.contains("href=\"debtors/"), "\(report) links to debtor pages")
            #expect(html.contains("href=\"index.html\""), "\(report) links back to the morning page")
            for part in html.components(separatedBy: "href=\"debtors/").dropFirst() {
                let file = String(part.prefix { $0 != "\"" })
                #expect(FileManager.default.fileExists(atPath: dir + "/debtors/" + file), "\(report) → \(file)")
            }
        }
        // The needs-a-look list, one line per source that found something.
        let keys = m.needsALook.joined(separator: "\n")
        #expect(keys.contains("Messages held by the gate (2026-11-20): anomaly: 4× the median. Check them, then send with: relance dunning release 2026-11-20"))
        #expect(keys.contains("2  Messages waiting for the 2026-H2 interest rate: Set the published rate: relance rates set 2026-H2 PERCENT"))
        #expect(keys.contains("1  E-mails bounced"))
        #expect(keys.contains("1  E-mails deferred"))
        #expect(keys.contains("3  Input rows rejected: Fix them in the ERP export: invoices <2>.csv (3)"))
        #expect(keys.contains("1  Invoices newly disputed"))
        #expect(keys.contains("1  Debtors reaching the hand-over step"))
        #expect(index.contains("invoices &lt;2&gt;.csv"), "escaped")
        // Belgian formats in a Dutch workspace.
        let worklist = try read(dir + "/worklist.html")
        #expect(worklist.contains("<html lang=\"nl\">"))
        #expect(worklist.contains("21 november 2026"))
        #expect(worklist.contains("12.345,67") || worklist.contains("13.145,67"), "grouped with . and a decimal comma")
        // Excel CSV: BOM, ; and decimal comma, Dutch headers, days as 21/11/2026.
        let csv = try read(dir + "/aging-debtors.csv")
        #expect(csv.hasPrefix("\u{FEFF}Klant;Naam;Munt;Openstaand;Niet vervallen;"), "\(csv.prefix(80))")
        #expect(csv.contains(";-150,00;"))
        let reminders = try read(dir + "/dunning-reminders.csv")
        #expect(reminders.contains("21/11/2026") || !reminders.contains("2026-11-21"), "days in the Belgian form")
        // The snapshot was kept.
        let snap = try l.store.pool.read { db in try Row.fetchAll(db, sql: "SELECT currency, open_minor, dso FROM report_snapshot WHERE day = '2026-11-21' ORDER BY currency") }
        #expect(snap.map { $0[0] as String } == ["EUR", "USD"])
        let steps = try l.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT SUM(messages) FROM report_snapshot_step WHERE day = '2026-11-21'") }
        #expect(steps == 2, "last night's two queued messages, not the worklist call")
        // A rerun replaces the day's files and snapshot.
        _ = try Reports.writeMorning(asOf: seedDay, store: l.store, folder: folder, options: options("nl"), workspace: l.dir)
        let again = try l.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM report_snapshot WHERE day = '2026-11-21'") }
        #expect(again == 2)
    }

    /// The morning writes its reports in two lanes, the snapshot beside the worklist: every report file
    /// equals what `writeAll` writes, byte for byte, and the paths come in its order.
    @Test func morningLanesWriteWhatWriteAllWrites() throws {
        let l = try night()
        let m = try Reports.writeMorning(asOf: seedDay, store: l.store, folder: l.dir + "/out/morning", options: options("nl"),
                                         workspace: l.dir)
        var linked = options("nl")
        linked.debtorPages = "debtors/"
        let all = try Reports.writeAll(asOf: seedDay, store: l.store, folder: l.dir + "/out/all", options: linked)
        let names = all.map { ($0 as NSString).lastPathComponent }
        let dir = l.dir + "/out/morning/\(seedDay)"
        #expect(names.count > 5)
        #expect(Array(m.paths.prefix(names.count)) == names.map { dir + "/" + $0 })
        for (path, name) in zip(all, names) {
            #expect(try read(dir + "/" + name) == (try read(path)), "\(name)")
        }
        #expect(m.paths.suffix(2).map { ($0 as NSString).lastPathComponent } == ["trends.html", "index.html"])
    }

    /// Golden morning page and a debtor page with a hostile name, in Dutch.
    @Test func goldenIndexAndDebtorPage() throws {
        let l = try night()
        let folder = l.dir + "/out/reports"
        let m = try Reports.writeMorning(asOf: seedDay, store: l.store, folder: folder, options: options("nl"), workspace: l.dir)
        try assertGolden(try read(m.index), "index.nl.html")
        let page = try read(folder + "/2026-11-21/debtors/2.html")
        #expect(!page.contains("<script>"))
        #expect(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co"))
        try assertGolden(page, "debtor-2.nl.html")
        let letters = try read(folder + "/2026-11-21/debtors/1.html")
        #expect(letters.contains("href=\"../../../letters/K001-1-second_reminder.pdf\""), "letters linked relatively")
        let formula = try read(folder + "/2026-11-21/debtors/3.html")
        #expect(formula.contains("=HYPERLINK(&quot;http://evil.example/?x&quot;,&quot;click me&quot;)"))
    }

    @Test func trendsComeFromTheSnapshot() throws {
        let l = try night()
        try l.store.pool.write { db in
            for k in 1...20 {
                let day = seedDay.adding(days: -7 * k).description
                try db.execute(sql: """
                    INSERT INTO report_snapshot VALUES (?, 'EUR', 100000, 200000, 300000, 400000, ?, 1500000, ?, 0)
                    """, arguments: [day, Int64(500_000 + k * 1000), "4\(k % 10).\(k % 7)"])
            }
        }
        let html = try l.store.pool.read { db -> String in
            let doc = try TrendsPage.build(db, asOf: seedDay, options: options("de"))
            let sink = StringSink()
            try HTMLRenderer(options: options("de")).render(doc, write: { sink.text += $0 })
            return sink.text
        }
        #expect(html.contains("Aging buckets, last 13 weeks (EUR)"))
        #expect(html.contains("DSO, last 12 months (EUR)"))
        #expect(html.contains("Demanded and collected within 30 days, per step (EUR)"))
        #expect(html.contains("<polyline"), "the DSO line")
        #expect(html.contains("Cash-in per week, expected and actual"), "forecast against actual per week")
        #expect(!html.contains("<script"))
        #expect(html.contains("14.11.2026") || html.contains("14.11"), "German days")
    }

    @Test func morningMailGoesThroughTheOutbox() throws {
        let l = try night()
        let m = try Reports.writeMorning(asOf: seedDay, store: l.store, folder: l.dir + "/out/reports", options: options("nl"),
                                         workspace: l.dir)
        let to = [EmailAddress("finance@demo.example")!]
        let id = try Reports.mailMorning(m, asOf: seedDay, to: to, company: "Demo", store: l.store, at: seedNow)
        let again = try Reports.mailMorning(m, asOf: seedDay, to: to, company: "Demo", store: l.store, at: seedNow)
        #expect(id != nil && id == again, "one message per day")
        let row = try l.store.pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT m.subject, message_text(m.text_body, m.bodies_z), m.origin, a.filename, a.content_type, length(a.content) FROM outbox_message m
                JOIN outbox_attachment a ON a.message_id = m.id WHERE m.id = ?
                """, arguments: [id])
        }
        #expect((row?[0] as String?)?.hasPrefix("Relance 2026-11-21: 7 things need a look") == true, "\(String(describing: row?[0]))")
        #expect((row?[1] as String?)?.contains("- 3  Input rows rejected") == true)
        #expect(row?[2] as String? == "manual")
        #expect(row?[3] as String? == "relance-2026-11-21.html")
        #expect(row?[4] as String? == "text/html")
        #expect(try Reports.mailMorning(m, asOf: seedDay, to: [], company: nil, store: l.store, at: seedNow) == nil)
    }

    @Test func plainDialectKeepsBlocks() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        var o = options("fr")
        o.csvDialect = .standard
        let plain = try Reports.text(kind: .aging, format: .csv, asOf: seedDay, store: l.store, options: o)
        #expect(plain.hasPrefix("report,aging\n"))
        o.csvDialect = .excelBE
        let excel = try Reports.text(kind: .aging, format: .csv, asOf: seedDay, store: l.store, options: o)
        #expect(excel.hasPrefix("\u{FEFF}Client;Nom;Devise;Solde;Non échu;"), "\(excel.prefix(60))")
        #expect(CSVDialect(name: "excel-be") == .excelBE && CSVDialect(name: "standard") == .standard && CSVDialect(name: "x") == nil)
    }

    @Test func brokenPromisesAndPromisesDueTodayNeedALook() throws {
        let l = try night()
        try l.store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO promise_to_pay (debtor_id, until, created_at, status, status_on) VALUES
                  (2, '2026-11-15', '2026-11-10T09:00:00.000Z', 'broken', '2026-11-21'),
                  (3, '2026-11-21', '2026-11-18T09:00:00.000Z', 'open', NULL),
                  (4, '2026-11-01', '2026-10-28T09:00:00.000Z', 'broken', '2026-11-05')
                """)
        }
        let findings = try l.store.pool.read { db in try NeedsALook.findings(db, asOf: seedDay) }
        #expect(findings.first { $0.key == "broken_promises" }?.count == 1, "only the promise found broken last night")
        #expect(findings.first { $0.key == "promises_due" }?.count == 1)
    }
}
