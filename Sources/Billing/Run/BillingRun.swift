import Foundation
import GRDB
import Ledger
import Letters
import Store
import Workspace

/// How to run a period.
package struct BillingRunOptions: Sendable {
    package var period: Month
    /// Compute and report; write nothing (no invoice, no number taken, no PDF, no e-mail).
    package var dryRun = false
    package var runID: Int64?
    /// Invoices per transaction: each batch's invoices, numbers, lines, contract updates, PDFs and
    /// e-mails are committed together or not at all.
    package var batchSize = 500
    /// Threads rendering PDFs.
    package var concurrency = 2
    /// Test hook: stop (throw) before the invoice after this many written in this run, as a crash
    /// would; the batch in progress is rolled back.
    package var interruptAfter: Int?

    package init(period: Month) { self.period = period }
}

/// One line the run created (or, in a dry run, would create).
package struct BillingRunLine: Sendable, Equatable {
    package var contractKey: String
    package var invoiceNumber: String
    package var kind: BillingLineKind
    /// The line's amount excluding VAT.
    package var amount: Money
    package var indexation: Indexation?

    /// The line as a JSON object, keys in the documented order (decimals as strings, never floats).
    package var json: String {
        var fields: [(String, String)] = [
            ("contract_id", contractKey), ("invoice_number", invoiceNumber), ("kind", kind.rawValue), ("amount", amount.decimalString),
        ]
        if let i = indexation {
            fields += [
                ("old_price", i.oldPrice.decimalString), ("new_price", i.newPrice.decimalString),
                ("factor", BillingRounding.plain(i.factor)), ("actual_index_month", i.actualMonth.description),
                ("actual_index", i.actual.text), ("base_index_month", i.baseMonth.description), ("base_index", i.base.text),
            ]
        }
        return JSONWriter.object(fields.map { ($0.0, $0.1) })
    }
}

/// What a run did.
package struct BillingRunResult: Sendable {
    package var period: Month
    package var dryRun: Bool
    package var lines: [BillingRunLine] = []
    /// Invoices created (or that would be).
    package var invoices = 0
    /// Contracts that already had their invoice of the period (a rerun).
    package var alreadyInvoiced = 0
    /// Indexed prices among the invoices.
    package var indexed = 0
    /// Invoices whose debtor has no usable e-mail address (PDF only).
    package var withoutEmail = 0
    /// Invoices sent as Peppol UBL (queued in the Peppol outbox) instead of by e-mail.
    package var peppol = 0
    /// Invoices refused before anything was written for them, one line each naming the contract,
    /// the debtor and the rule (`[enterprise-number]`, `[vat-exemption]`, `[totals]`, `[peppol-id]`).
    package var refused: [String] = []
    /// Totals including VAT, per currency.
    package var total = MoneyBag()
    package var warnings: [String] = []

    /// The lines as a JSON array, one object per line.
    package var json: String {
        lines.isEmpty ? "[]" : "[\n" + lines.map { "  " + $0.json }.joined(separator: ",\n") + "\n]"
    }

    /// One paragraph for people.
    package var text: String {
        let verb = dryRun ? "would create" : "created"
        var s = "billing \(period): \(verb) \(invoices) invoice(s), \(lines.count) line(s), \(indexed) indexed price(s); "
            + "\(alreadyInvoiced) already invoiced"
        let totals = total.amounts.map { "\($0.currency.code) \($0.decimalString)" }.joined(separator: ", ")
        if !totals.isEmpty { s += "; total incl. VAT \(totals)" }
        if peppol > 0 { s += "\n  \(peppol) invoice(s) as Peppol UBL (relance peppol flush sends them)" }
        if withoutEmail > 0 { s += "\n  \(withoutEmail) invoice(s) without an e-mail address: PDF only" }
        for r in refused { s += "\n  " + r }
        if dryRun { s += "\n  dry run: nothing written" }
        return s
    }
}

/// `relance billing run --period YYYY-MM`: the monthly invoices of every contract, with Agoria
/// indexation in the indexation month.
///
/// Two phases. First every invoice of the period is planned from a read snapshot
/// (`BillingPlanner`); a missing index month stops the run there, naming every series and month,
/// before anything is written. Then the invoices are written in batches, one transaction each:
/// number from the gapless sequence, `invoice` row (`source = 'billing'`), billing lines, contract
/// update (indexed price, reactivation fee charged), PDF (rendered on `concurrency` threads before
/// the commit) and queued e-mail. A contract with an invoice for the period is skipped, so a rerun
/// writes nothing and a run resumed after a crash continues where the last commit left it.
package enum BillingRun {
    /// The warning for Belgian B2B debtors billed without an enterprise number: one readable line,
    /// the first 20 by key, then how many more (a large ledger has thousands).
    package static func unidentifiedWarning(_ keys: Set<String>) -> String {
        let sorted = keys.sorted(), shown = 20
        let more = sorted.count > shown ? " and \(sorted.count - shown) more" : ""
        return "\(sorted.count) Belgian B2B debtor(s) without an enterprise number get PDF by e-mail, not Peppol: "
            + sorted.prefix(shown).joined(separator: ", ") + more
    }

    package static func run(
        store: LedgerStore, workspace: Workspace, config: WorkspaceConfig, options: BillingRunOptions, now: () -> Date = Date.init
    ) throws -> BillingRunResult {
        let period = options.period
        let rules = config.billing.rules
        let numbering = config.billing.numbering
        guard !config.company.name.isEmpty else { throw BillingError.company("name is empty; invoices need the seller's name") }
        guard config.company.iban != nil else {
            throw BillingError.company("iban is empty; an invoice tells the customer where to pay: set company.iban")
        }
        let snapshot = try store.pool.read { db in try Snapshot(db, period: period) }
        var result = BillingRunResult(period: period, dryRun: options.dryRun)
        result.alreadyInvoiced = snapshot.alreadyInvoiced
        if snapshot.endedUsage > 0 {
            result.warnings.append("\(snapshot.endedUsage) usage row(s) of ended contracts are not billed (no invoice after termination)")
        }

        var drafts: [(DraftInvoice, Addressee)] = []
        var missing: Set<MissingIndex> = []
        for (c, a) in snapshot.contracts {
            do {
                if let d = try BillingPlanner.draft(c, period: period, usage: snapshot.usage[c.id] ?? [], index: snapshot.index, rules: rules) {
                    drafts.append((d, a))
                }
            } catch {
                missing.formUnion(error.missing)
            }
        }
        if !missing.isEmpty {
            throw BillingError.missingIndex(missing.sorted { ($0.series, $0.month) < ($1.series, $1.month) })
        }
        // Peppol invoices are checked before anything is written; a refused one is left out and the
        // rest of the run goes on.
        var peppol: PeppolComposer? = nil
        if drafts.contains(where: { $0.1.identity?.resolvedChannel == .peppol }) {
            peppol = try PeppolComposer(company: config.company)
        }
        let unidentified = Set(drafts.filter { $0.1.identity?.needsEnterpriseNumber == true }.map(\.1.key))
        if !unidentified.isEmpty { result.warnings.append(unidentifiedWarning(unidentified)) }
        if let composer = peppol {
            drafts = drafts.filter { d, a in
                guard a.identity?.resolvedChannel == .peppol else { return true }
                do { try composer.preview(d, to: a) } catch {
                    result.refused.append("contract \(d.contract.key) (debtor \(a.key)): error: \(error)")
                    return false
                }
                return true
            }
        }

        if options.dryRun {
            var next = try store.pool.read { db in try BillingSequence.last(db, name: numbering.sequence(for: period)) }
            for (d, a) in drafts {
                next += 1
                result.record(d, number: numbering.number(next, period: period))
                if a.identity?.resolvedChannel == .peppol { result.peppol += 1 }
            }
            return result
        }

        let composer = DocumentComposer(company: config.company)
        let folder = workspace.path(config.billing.invoiceDir + "/" + period.description)
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw BillingError.cannotWrite(folder)
        }
        var written = 0
        var start = 0
        while start < drafts.count {
            let batch = drafts[start..<min(drafts.count, start + max(1, options.batchSize))]
            start += batch.count
            let committed: [(DraftInvoice, String, Bool, Bool)] = try store.pool.write { db in
                var done: [(DraftInvoice, String, Bool, Bool)] = []
                var jobs: [(LetterDocument, String)] = []
                var ubl: [PeppolJob] = []
                for (d, a) in batch {
                    if let limit = options.interruptAfter, written + done.count >= limit {
                        throw BillingError.interrupted(after: written + done.count)
                    }
                    let w = InvoiceWriter(db: db, period: period, numbering: numbering, folder: config.billing.invoiceDir,
                                          runID: options.runID, now: now())
                    guard let (number, reference, relative) = try w.write(d) else { continue }
                    let path = workspace.path(relative)
                    jobs.append((composer.invoice(d, number: number, reference: reference, to: a), path))
                    if let composer = peppol, a.identity?.resolvedChannel == .peppol {
                        ubl.append(PeppolJob(draft: d, number: number, reference: reference, addressee: a, pdf: path,
                                             relative: String(relative.dropLast(4)) + ".xml", composer: composer))
                        done.append((d, number, true, true))
                        continue
                    }
                    let mailed = try w.enqueue(d, number: number, reference: reference, to: a, pdf: path, company: config.company)
                    done.append((d, number, mailed, false))
                }
                let errors = LetterRenderer.renderAll(jobs, concurrency: options.concurrency)
                if let i = errors.firstIndex(where: { $0 != nil }) {
                    throw BillingError.render(done[i].1, "\(errors[i]!)")
                }
                for job in ubl { try job.write(db, workspace: workspace, period: period, now: now()) }
                return done
            }
            written += committed.count
            for (d, number, mailed, viaPeppol) in committed {
                result.record(d, number: number)
                if !mailed { result.withoutEmail += 1 }
                if viaPeppol { result.peppol += 1 }
            }
        }
        return result
    }
}

extension BillingRunResult {
    mutating func record(_ d: DraftInvoice, number: String) {
        invoices += 1
        if d.indexation != nil { indexed += 1 }
        total.add(d.total)
        for l in d.lines {
            lines.append(BillingRunLine(contractKey: d.contract.key, invoiceNumber: number, kind: l.kind, amount: l.net,
                                        indexation: l.indexation))
        }
    }
}

extension BillingConfig {
    /// The planner's rules.
    package var rules: BillingRules {
        var r = BillingRules()
        r.vatRate = vatRate
        r.indexationMonth = indexationMonth
        r.billingDay = billingDay
        r.reactivationFeeMinor = reactivationFeeMinor
        return r
    }

    /// The invoice numbering.
    package var numbering: InvoiceNumbering { InvoiceNumbering(prefix: numberPrefix, digits: numberDigits, perYear: numberPerYear) }
}
