import Foundation
import GRDB
import Ledger
import Letters
import Store
import Workspace

/// One contract's indexation notice.
package struct IndexationNoticeLine: Sendable, Equatable {
    package var contractKey: String
    package var series: String
    package var oldPrice: Money
    /// The expected new price, when both index months are published.
    package var expected: Money?
    /// The first index month not yet published, when the price cannot be computed yet.
    package var pending: Month?
    /// True when the notice was queued as an e-mail (false: letter only, no usable address).
    package var mailed = false

    /// `C-1001\t100.00\t104.00` or `C-1001\t100.00\tpending: index of 2026-11 not yet published`.
    package var row: String {
        [contractKey, series, oldPrice.decimalString,
         expected?.decimalString ?? "pending: index of \(pending?.description ?? "?") not yet published"].joined(separator: "\t")
    }
}

/// What `billing notify-indexation` did.
package struct IndexationNoticeResult: Sendable {
    package var indexationDate: Day
    /// The last day a notice may be sent (`notice_lead_months` before the indexation date).
    package var deadline: Day
    /// Sent after the deadline (with `--allow-late`).
    package var late: Bool
    package var lines: [IndexationNoticeLine] = []
}

/// `relance billing notify-indexation --year YYYY`: tells every active indexed contract its price
/// and the expected new one (or that the index is not published yet), as a PDF letter attached to
/// a queued e-mail. Refuses after the deadline (two months before the indexation date) unless
/// `allowLate`. Each notice has its idempotency key (year and contract): running it again queues
/// nothing twice.
package enum IndexationNotice {
    package static func run(
        store: LedgerStore, workspace: Workspace, config: WorkspaceConfig, year: Int, asOf: Day, allowLate: Bool = false,
        dryRun: Bool = false, now: () -> Date = Date.init
    ) throws -> IndexationNoticeResult {
        let b = config.billing
        let date = Agoria.indexationDate(year: year, month: b.indexationMonth)
        let deadline = date.adding(months: -b.noticeLeadMonths).adding(days: -1)
        let late = asOf > deadline
        if late && !allowLate { throw BillingError.noticeTooLate(deadline: deadline.description, indexation: date.description) }
        guard !config.company.name.isEmpty else { throw BillingError.company("name is empty; notices need the seller's name") }
        var result = IndexationNoticeResult(indexationDate: date, deadline: deadline, late: late)
        let (contracts, index) = try store.pool.read { db in
            let s = try Snapshot(db, period: Month(date))
            return (s.contracts, s.index)
        }
        let composer = DocumentComposer(company: config.company)
        let folder = workspace.path("out/notices/indexation-\(year)")
        var jobs: [(LetterDocument, String)] = []
        var messages: [NewOutboxMessage] = []
        for (c, a) in contracts {
            guard let series = c.series, c.priceAdjustedOn < date, c.status == .active, c.end.map({ $0 >= date }) ?? true
            else { continue }
            var line = IndexationNoticeLine(contractKey: c.key, series: series, oldPrice: c.price)
            do {
                let i = try Agoria.index(price: c.price, priceAdjustedOn: c.priceAdjustedOn, indexationDate: date, series: series,
                                         floor: c.floor, table: index)
                line.expected = i.newPrice
            } catch {
                line.pending = error.missing.first?.month
            }
            let t = InvoiceTexts(language: a.language)
            let paragraphs = t.indexationParagraphs(
                contract: c.key, plan: c.plan, date: date, series: series, old: c.price, expected: line.expected, pending: line.pending,
                actualMonth: Agoria.actualMonth(indexationDate: date), baseMonth: Agoria.baseMonth(priceAdjustedOn: c.priceAdjustedOn))
            let letter = LetterDocument(
                sender: composer.sender, senderDetails: composer.senderDetails(t), recipient: .init(name: a.name, lines: a.lines),
                placeAndDate: composer.placeAndDate(asOf, t), reference: c.key, subject: t.indexationSubject,
                paragraphsBefore: Array(paragraphs.dropLast()), paragraphsAfter: ["\(paragraphs.last ?? "")\n\(config.company.name)"],
                pageLabel: t.pageLabel, creationDate: asOf.description + "T00:00:00Z")
            let path = folder + "/" + c.key.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } + ".pdf"
            jobs.append((letter, path))
            if let e = a.email, MailConfig.isUsableAddress(e), let address = EmailAddress(e) {
                var m = NewOutboxMessage(idempotencyKey: "billing:indexation-notice:\(year):\(c.key)", origin: .billing,
                                         to: [OutboxMailbox(address, name: a.name)], subject: "\(t.indexationSubject) – \(c.key)",
                                         textBody: paragraphs.joined(separator: "\n\n") + "\n\(config.company.name)\n")
                m.attachments = [OutboxAttachment(filename: "\(t.indexationSubject) \(c.key).pdf", content: .file(path: path))]
                m.references = [.contract(c.key), .debtor(DebtorID(rawValue: a.key))]
                messages.append(m)
                line.mailed = true
            }
            result.lines.append(line)
        }
        guard !dryRun else { return result }
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw BillingError.cannotWrite(folder)
        }
        let errors = LetterRenderer.renderAll(jobs, concurrency: 2)
        if let i = errors.firstIndex(where: { $0 != nil }) { throw BillingError.render(jobs[i].1, "\(errors[i]!)") }
        try store.pool.write { db in
            for m in messages { try OutboxQueue.enqueue(db, m, at: now()) }
        }
        return result
    }
}
