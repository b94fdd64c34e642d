import Foundation
import GRDB
import Ledger
import Store
import Support

/// What the morning run wrote and found.
package struct MorningOutcome: Sendable {
    /// Every file written, the index last.
    package var paths: [String]
    /// `DAY/index.html`.
    package var index: String
    /// The debtor pages written.
    package var debtorPages: Int
    /// The needs-a-look list as lines (`3  Messages held by the gate (2026-11-21): …`); empty when nothing needs a look.
    package var needsALook: [String]
    /// The queued morning e-mail (`outbox_message.id`), when `mailTo` named anyone.
    package var mailID: Int64? = nil
}

/// What one lane of the morning's reports stage wrote and found.
private struct MorningLane: Sendable {
    /// The paths of each report the lane wrote.
    var files: [ReportKind: [String]] = [:]
    /// `trends.html`, in the snapshot's lane.
    var trends = ""
    /// The needs-a-look list, in the lane that made it.
    var findings: [Finding]? = nil
}

/// Hands out the parts `0 ..< count` one at a time to the lanes that ask.
private final class NextPart: @unchecked Sendable {
    private let lock = NSLock()
    private let count: Int
    private var next = 0

    init(count: Int) { self.count = count }

    /// The next part not yet taken; nil when all are.
    func take() -> Int? {
        lock.withLock {
            guard next < count else { return nil }
            defer { next += 1 }
            return next
        }
    }
}

extension Reports {
    /// The nightly's reports stage: records the day's snapshot, writes every report (the files
    /// `writeAll` writes), `trends.html` (the snapshot, the reports and the trends in two lanes side by
    /// side), a page per debtor of the worklist and the top of the aging (`debtors/ID.html`, at most
    /// 2 × `topRows`), and `index.html`, the morning page that links them all.
    /// Letters stored with a relative path are found under `workspace` (default: the current folder).
    /// With `mailTo`, the morning page is queued in the outbox for them (`mailMorning`).
    package static func writeMorning(asOf: Day, store: LedgerStore, folder: String, formats: [ReportFormat] = [.html, .csv],
                                    options: ReportOptions, workspace: String? = nil,
                                    mailTo: [EmailAddress] = []) throws -> MorningOutcome {
        let collector = LinkedDebtors()
        let linked = {
            var linked = options
            linked.debtorPages = "debtors/"
            linked.linkedDebtors = collector
            return linked
        }()
        let dir = (folder as NSString).appendingPathComponent(asOf.description)
        try OwnerOnly.directory(dir)
        // Two lanes side by side, each part in its own transaction as before. One lane starts the worklist
        // (the longest part) at once; the other records the snapshot, then writes the aging report (which
        // takes the snapshot's sums) and the trends (the only reader of `report_snapshot` and
        // `report_snapshot_step`): nothing reads a row the snapshot writes before that write commits.
        // Then each lane takes the next of the parts that read no snapshot row.
        let shared = NextPart(count: 4)
        let lanes = ParallelWork.map(2, workers: 2) { lane in
            Result { () -> MorningLane in
                var out = MorningLane()
                func report(_ kind: ReportKind, _ options: ReportOptions) throws {
                    out.files[kind] = try writeReport(kind, asOf: asOf, store: store, dir: dir, formats: formats, options: options)
                }
                if lane == 0 {
                    try report(.worklist, linked)
                } else {
                    var withNight = linked
                    withNight.night = try store.pool.write { db in try recordSnapshot(db, asOf: asOf) }
                    try report(.aging, withNight)
                    let trends = try store.pool.read { db in try TrendsPage.build(db, asOf: asOf, options: options) }
                    let trendsPath = (dir as NSString).appendingPathComponent("trends.html")
                    try OwnerOnly.write(trendsPath) { sink in try HTMLRenderer(options: options).render(trends, write: sink.write) }
                    out.trends = trendsPath
                }
                while let part = shared.take() {
                    switch part {
                    case 0: try report(.dunning, linked)
                    case 1: try report(.outbox, linked)
                    case 2: try report(.forecast, linked)
                    default: out.findings = try store.pool.read { db in try NeedsALook.findings(db, asOf: asOf) }
                    }
                }
                return out
            }
        }
        // The snapshot's lane first: a failed snapshot is the stage's error, as when it ran alone first.
        let side = try lanes[1].get(), main = try lanes[0].get()
        var paths = ReportKind.allCases.flatMap { side.files[$0] ?? main.files[$0] ?? [] }
        let debtorDir = (dir as NSString).appendingPathComponent("debtors")
        try OwnerOnly.directory(debtorDir)
        let absoluteDebtorDir = absolute(debtorDir)
        let pages = try store.pool.read { db -> [(Int64, String)] in
            var pages: [(Int64, String)] = []
            // The debtors the HTML reports linked to (the worklist's and the aging's first `topRows`);
            // without HTML reports, the same debtors from a query.
            let ids = formats.contains(.html) ? collector.sorted : try DebtorPage.debtorIDs(db, asOf: asOf, top: options.topRows)
            for id in ids {
                guard let doc = try DebtorPage.build(db, id: id, asOf: asOf, options: options,
                                                     letters: { DebtorPage.relative(absolute($0, in: workspace), from: absoluteDebtorDir) })
                else { continue }
                let path = (debtorDir as NSString).appendingPathComponent(DebtorPage.fileName(id))
                try OwnerOnly.write(path) { sink in try HTMLRenderer(options: options).render(doc, write: sink.write) }
                paths.append(path)
                pages.append((id, doc.title))
            }
            return pages
        }
        paths.append(side.trends)
        let findings = (side.findings ?? main.findings) ?? []
        let written = paths.map { String($0.dropFirst(dir.count + 1)) }
        let index = try store.pool.read { db in
            try MorningPage.build(db, asOf: asOf, options: options, findings: findings, files: written, debtors: pages)
        }
        let indexPath = (dir as NSString).appendingPathComponent("index.html")
        try OwnerOnly.write(indexPath) { sink in try HTMLRenderer(options: options).render(index, write: sink.write) }
        paths.append(indexPath)
        var outcome = MorningOutcome(paths: paths, index: indexPath, debtorPages: pages.count,
                                     needsALook: findings.map(MorningPage.line))
        outcome.mailID = try mailMorning(outcome, asOf: asOf, to: mailTo, company: options.company, store: store, at: options.generatedAt)
        return outcome
    }

    /// Queues the morning page for `to` through the outbox (origin `manual`, one message per day):
    /// the needs-a-look list in the body, `index.html` attached. Returns the message id's number.
    @discardableResult
    package static func mailMorning(_ outcome: MorningOutcome, asOf: Day, to: [EmailAddress], company: String?,
                                   store: LedgerStore, at now: Date) throws -> Int64? {
        guard !to.isEmpty else { return nil }
        let html = try Data(contentsOf: URL(fileURLWithPath: outcome.index))
        var lines: [String] = ["Relance morning page for \(asOf)" + (company.map { " (\($0))" } ?? "") + ".", ""]
        if outcome.needsALook.isEmpty {
            lines.append("Nothing needs a look this morning.")
        } else {
            lines.append("Needs a look:")
            lines += outcome.needsALook.map { "- " + $0 }
        }
        let folder = (outcome.index as NSString).deletingLastPathComponent
        lines += ["", "The page is attached; the reports and debtor pages are in \(folder)."]
        let body = lines.joined(separator: "\n") + "\n"
        let n = outcome.needsALook.count
        let subject = "Relance \(asOf): " + (n == 0 ? "nothing needs a look" : "\(n) thing\(n == 1 ? "" : "s") need a look")
        var message = NewOutboxMessage(
            idempotencyKey: "report:morning:\(asOf)", origin: "manual", to: to.map { OutboxMailbox($0) },
            subject: subject, textBody: body)
        message.attachments = [OutboxAttachment(filename: "relance-\(asOf).html", contentType: "text/html", content: .bytes(html))]
        return try store.pool.write { db in try OutboxQueue.enqueue(db, message, at: now).rawValue }
    }

    /// Records the day's snapshot (aging buckets, open, DSO, payments received that day; messages
    /// and amounts demanded per ladder step), replacing an earlier one of the same day. Aggregates only.
    /// Returns the aging buckets and sales it summed, which the aging report of the same morning reuses.
    @discardableResult
    static func recordSnapshot(_ db: Database, asOf: Day) throws -> NightFigures {
        let day = asOf.description
        try ReportQueries.deleteSnapshot(db, day: asOf)
        let open = try ReportQueries.agingBuckets(db, asOf: asOf)
        let sales = try ReportQueries.salesByCurrency(db, after: asOf.adding(days: -AgingReport.dsoDays), through: asOf)
        let collected = try ReportQueries.collectedByCurrency(db, on: asOf)
        var currencies = Set(open.map(\.currency))
        currencies.formUnion(collected.keys)
        let byCurrency = Dictionary(uniqueKeysWithValues: open.map { ($0.currency, $0) })
        for code in currencies.sorted() {
            let sums: [Int64] = byCurrency[code]?.sums ?? [0, 0, 0, 0, 0]
            let total = sums.reduce(0, +)
            let dso = Format.ratio(total * Int64(AgingReport.dsoDays), sales[code] ?? 0, places: 1)
            try ReportQueries.insertSnapshot(db, ReportSnapshotRow(day: day, currency: code, buckets: sums, open: total, dso: dso,
                                                                   collected: collected[code] ?? 0))
        }
        try ReportQueries.insertSnapshotSteps(db, day: asOf)
        return NightFigures(asOf: asOf, buckets: open, sales: sales)
    }
}

/// `path` made absolute against `root` (default: the current directory).
func absolute(_ path: String, in root: String? = nil) -> String {
    path.hasPrefix("/") ? path : ((root ?? FileManager.default.currentDirectoryPath) as NSString).appendingPathComponent(path)
}

/// The morning page: what needs a look, last night in numbers, links to every report and page.
enum MorningPage {
    /// A finding as one line of the e-mail.
    static func line(_ f: Finding) -> String { "\(f.count)  \(f.label): \(f.detail)" }

    static func build(_ db: Database, asOf: Day, options: ReportOptions, findings: [Finding], files: [String],
                      debtors: [(Int64, String)]) throws -> ReportDocument {
        var doc = ReportDocument(kind: .worklist, title: "Morning page", asOf: asOf,
                                 subtitle: "what needs a look, last night in numbers, and every report of the night")
        doc.name = "index"
        doc.blocks.append(.heading("What needs a look"))
        doc.blocks.append(.table(Table(
            id: "needs_a_look", title: "Needs a look",
            columns: [Column("what", "What", layout: .name), Column("count", "Count", numeric: true),
                      Column("to_do", "What to do", layout: .wide)],
            rows: findings.map { f in
                [f.link.map { .link(f.label, href: $0) } ?? .text(f.label), .int(f.count), .text(f.detail)]
            }, emptyText: "Nothing needs a look this morning.")))

        doc.blocks.append(.heading("Last night in numbers"))
        let night = try ReportQueries.nightPayments(db, day: asOf)
        let bySnapshot = try ReportQueries.closedBySnapshot(db, day: asOf)
        doc.blocks.append(.figures(id: "night", [
            Figure(key: "closed_by_export", label: "Invoices closed by the ERP export", value: .int(bySnapshot)),
        ]))
        if night.isEmpty { doc.blocks.append(.note("No payment was imported last night.")) }
        for r in night {
            let code = r.currency
            let cur = Currency(stored: code)
            doc.blocks.append(.figures(id: "night_\(code.lowercased())", [
                Figure(key: "payments_received", label: "Payments received (\(code))", value: .money(r.received ?? 0, cur), tone: .good),
                Figure(key: "payments", label: "Payments", value: .int(r.receivedCount ?? 0)),
                Figure(key: "matched", label: "Matched to invoices (\(code))", value: .money(r.matched ?? 0, cur)),
                Figure(key: "invoices_closed", label: "Invoices closed by payments", value: .int(r.invoicesClosed ?? 0)),
            ]))
        }
        doc.blocks.append(.table(Table(
            id: "messages", title: "Messages per step and channel",
            columns: [Column("step", "Step"), Column("channels", "Channels"), Column("status", "Status"), Column("currency", "Cur."),
                      Column("messages", "Messages", numeric: true), Column("demanded", "Demanded", numeric: true)],
            rows: try ReportQueries.nightMessages(db, day: asOf).map { r in
                [.text(r.step), .text(r.channels), .text(r.status), .text(r.currency), .int(r.messages),
                 .money(r.demanded, Currency(stored: r.currency))]
            }, emptyText: "No message last night.")))

        doc.blocks.append(.heading("Reports"))
        let names = ["worklist": "Worklist: who to call first", "aging": "Aged receivables", "forecast": "Cash forecast",
                     "dunning": "Dunning activity", "outbox": "Outbox", "trends": "Trends: aging, DSO, steps"]
        let reportFiles = files.filter { !$0.hasPrefix("debtors/") && $0 != "index.html" }
        let order = ["worklist", "aging", "forecast", "dunning", "outbox", "trends"]
        doc.blocks.append(.table(Table(
            id: "reports", title: "Every report of the night",
            columns: [Column("report", "Report", layout: .name), Column("files", "Files", layout: .wide)],
            rows: order.compactMap { key -> [Cell]? in
                let own = reportFiles.filter { $0 == key + ".html" || $0.hasPrefix(key + ".") || $0.hasPrefix(key + "-") }
                guard !own.isEmpty else { return nil }
                let html = own.first { $0.hasSuffix(".html") }
                let title = names[key] ?? key
                return [html.map { .link(title, href: $0) } ?? .text(title), .text(own.filter { $0 != html }.joined(separator: ", "))]
            })))
        doc.blocks.append(.table(Table(
            id: "debtor_pages", title: "Debtor pages (the worklist's first \(options.topRows) and the \(options.topRows) largest balances)",
            columns: [Column("debtor", "Debtor", layout: .name)],
            rows: debtors.map { [.link($0.1, href: "debtors/" + DebtorPage.fileName($0.0))] }, emptyText: "No debtor page.")))
        return doc
    }
}

/// Trends from the daily snapshot: aging buckets and DSO over 13 weeks and 12 months, and how
/// well each ladder step works (collected against demanded).
enum TrendsPage {
    static func build(_ db: Database, asOf: Day, options: ReportOptions) throws -> ReportDocument {
        var doc = ReportDocument(kind: .aging, title: "Trends", asOf: asOf,
                                 subtitle: "aging and DSO from the nightly snapshot; collected against demanded per step; forecast against actual")
        doc.name = "trends"
        doc.upLink = "index.html"
        let rows = try ReportQueries.snapshots(db, after: asOf.adding(days: -372), through: asOf)
        if rows.isEmpty {
            doc.blocks.append(.note("No snapshot yet: the nightly run keeps one a night, so the trends fill in from tonight."))
        }
        let lang = options.language
        for code in Array(Set(rows.map(\.currency))).sorted() {
            let cur = Currency(stored: code)
            let mine = rows.filter { $0.currency == code }
            /// The latest snapshot in (end − days, end].
            func latest(_ end: Day, _ days: Int) -> ReportSnapshotRow? {
                let lo = end.adding(days: -days).description, hi = end.description
                return mine.last { $0.day > lo && $0.day <= hi }
            }
            let weekEnds = (0..<13).reversed().map { asOf.adding(days: -7 * $0) }
            let c = asOf.components
            let monthEnds: [Day] = (0..<12).reversed().compactMap { k in
                var y = c.year, m = c.month - k
                while m < 1 { m += 12; y -= 1 }
                let next = m == 12 ? Day(iso: String(format: "%04d-01-01", y + 1)) : Day(iso: String(format: "%04d-%02d-01", y, m + 1))
                return k == 0 ? asOf : next?.adding(days: -1)
            }
            for (period, ends, span, label) in [("13 weeks", weekEnds, 7, { (d: Day) in Format.shortDay(d, language: lang) }),
                                               ("12 months", monthEnds, 31, { (d: Day) in
                                                   String(LocalFormat.monthNames(lang)[d.components.month - 1].prefix(3)) })] {
                let picked = ends.map { latest($0, span) }
                let labels = ends.map(label)
                let series = (0...4).map { k in picked.map { $0?.buckets[k] ?? 0 } }
                let suffix = " (\(code))"
                doc.blocks.append(.heading("Last \(period)" + suffix))
                doc.blocks.append(.chart(.stacked(title: "Aging buckets, last \(period)" + suffix, labels: labels, series: series,
                                                  names: AgingReport.buckets, tones: AgingReport.tones, currency: cur)))
                let dso: [Int64?] = picked.map { r in r?.dso.flatMap { tenths($0) } }
                doc.blocks.append(.chart(.line(title: "DSO, last \(period)" + suffix, labels: labels, tenths: dso, unit: "days")))
                doc.blocks.append(.table(Table(
                    id: "aging_\(period.replacingOccurrences(of: " ", with: "_"))_\(code.lowercased())",
                    title: "Aging and DSO, last \(period)" + suffix,
                    columns: [Column("day", "Snapshot", layout: .nowrap)]
                        + zip(AgingReport.bucketKeys, AgingReport.buckets).map { Column($0, $1, numeric: true) }
                        + [Column("dso", "DSO", numeric: true)],
                    rows: picked.compactMap { r in
                        guard let r else { return nil }
                        return [.day(r.day)] + r.buckets.map { .money($0, cur) } + [r.dso.map { .decimal($0) } ?? .empty]
                    }, emptyText: "No snapshot in this period.")))
            }
        }

        // Collected against demanded per ladder step, messages of the last 90 days.
        doc.blocks.append(.heading("How well each step works"))
        let demanded = try ReportQueries.stepDemands(db, after: asOf.adding(days: -90), through: asOf)
        let collected = try ReportQueries.stepCollected(db, after: asOf.adding(days: -90), through: asOf)
        let got = Dictionary(uniqueKeysWithValues: collected.map { ("\($0.step)|\($0.currency)", $0.collected ?? 0) })
        var rowsOut: [[Cell]] = []
        for code in Array(Set(demanded.map(\.currency))).sorted() {
            let cur = Currency(stored: code)
            let mine = demanded.filter { $0.currency == code }
            let asked = mine.map { $0.demanded ?? 0 }
            let paid = mine.map { got["\($0.step)|\(code)"] ?? 0 }
            doc.blocks.append(.chart(.pairs(title: "Demanded and collected within 30 days, per step (\(code))",
                                            labels: mine.map(\.step), first: asked, second: paid,
                                            names: ("demanded", "collected"), currency: cur)))
            for (i, r) in mine.enumerated() {
                rowsOut.append([.text(r.step), .text(code), .int(r.messages), .money(asked[i], cur), .money(paid[i], cur),
                                Format.ratio(paid[i] * 100, asked[i], places: 1).map { .percent($0) } ?? .empty])
            }
        }
        doc.blocks.append(.table(Table(
            id: "steps", title: "Per ladder step, messages of the last 90 days",
            columns: [Column("step", "Step"), Column("currency", "Cur."), Column("messages", "Messages", numeric: true),
                      Column("demanded", "Demanded", numeric: true), Column("collected", "Collected", numeric: true),
                      Column("share_percent", "Collected share", numeric: true)],
            rows: rowsOut, emptyText: "No message in the last 90 days.",
            caption: "Collected: payments applied to a message's invoices within 30 days of it; a payment after two "
                + "messages within 30 days counts for both steps.")))
        doc.blocks.append(.heading("Forecast against actual cash-in per week"))
        try ForecastReport.past(db, asOf: asOf, language: lang, into: &doc)
        return doc
    }

    /// `41.3` as 413.
    static func tenths(_ s: String) -> Int64? {
        let parts = s.split(separator: ".")
        guard let whole = Int64(parts[0]) else { return nil }
        let frac = parts.count > 1 ? Int64(parts[1].prefix(1)) ?? 0 : 0
        return whole * 10 + (whole < 0 || s.hasPrefix("-") ? -frac : frac)
    }
}
