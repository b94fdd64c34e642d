import GRDB
import Ledger
import Store

/// What the dunning run decided last night and this month, per step and channel, with the
/// amounts claimed; and what kept debtors out of it, as far as the ledger records it.
enum DunningReport {
    /// `["email","letter"]`, `email,letter` or `email letter` as `email + letter`.
    static func channels(_ raw: String) -> String {
        let parts = raw.split(whereSeparator: { ",; []\"+".contains($0) }).map(String.init)
        return parts.isEmpty ? raw : parts.joined(separator: " + ")
    }

    static func build(_ db: Database, asOf: Day, options: ReportOptions) throws -> ReportDocument {
        var doc = ReportDocument(
            kind: .dunning, title: "Dunning activity", asOf: asOf,
            subtitle: "reminders decided last night and this month, per step and channel")
        let monthStart = Day(year: asOf.year, month: asOf.month, day: 1) ?? asOf
        let day = asOf.description, month = monthStart.description
        let totals = try ReportQueries.dunningTotals(db, day: asOf, monthStart: monthStart)
        for r in totals {
            let code = r.currency
            let currency = Currency(stored: code)
            let suffix = totals.count > 1 ? " (\(code))" : ""
            doc.blocks.append(.figures(id: "figures_\(code.lowercased())", [
                Figure(key: "reminders_last_night", label: "Reminders last night" + suffix, value: .int(r.remindersOnDay)),
                Figure(key: "claimed_last_night", label: "Claimed last night" + suffix, value: .money(r.claimedOnDay, currency)),
                Figure(key: "worklist_last_night", label: "To call (worklist)" + suffix, value: .int(r.worklistOnDay)),
                Figure(key: "reminders_this_month", label: "Reminders this month" + suffix, value: .int(r.remindersInMonth)),
                Figure(key: "claimed_this_month", label: "Claimed this month (latest demand per debtor)" + suffix,
                       value: .money(r.claimedInMonth, currency)),
                Figure(key: "interest_and_fees_this_month", label: "Interest and fees in those demands" + suffix,
                       value: .money(r.chargesInMonth, currency)),
            ]))
        }
        if totals.isEmpty {
            doc.blocks.append(.note("The dunning run decided no reminders between \(month) and \(day)."))
        }
        let columns = [Column("period", "Period"), Column("ladder", "Ladder"), Column("step", "Step"),
                       Column("channels", "Channels"), Column("status", "Status"), Column("currency", "Cur."),
                       Column("reminders", "Reminders", numeric: true), Column("balance", "Balance", numeric: true),
                       Column("interest", "Interest", numeric: true), Column("fees", "Fees", numeric: true),
                       Column("claimed", "Claimed", numeric: true)]
        var stepRows: [[Cell]] = []
        for (period, from) in [("last night", asOf), ("this month", monthStart)] {
            for r in try ReportQueries.dunningSteps(db, from: from, through: asOf) {
                let currency = Currency(stored: r.currency)
                stepRows.append([.text(period), .text(r.ladder), .text("\(r.stepIndex). \(r.step)"),
                                 .text(channels(r.channels)), .text(r.status), .text(r.currency), .int(r.reminders),
                                 .money(r.balance, currency), .money(r.interest, currency), .money(r.fees, currency),
                                 .money(r.total, currency)])
            }
        }
        doc.blocks.append(.heading("Per step and channel"))
        doc.blocks.append(.table(Table(
            id: "steps", title: "Reminders per step and channel", columns: columns, rows: stepRows,
            emptyText: "No reminders this month.",
            caption: "Status: queued = sent or being sent (see the outbox report); worklist = a person acts; held; cancelled (a payment or correction arrived before it left).")))
        try exclusions(db, asOf: asOf, monthStart: monthStart, into: &doc)
        let count = try ReportQueries.reminderCount(db, day: asOf)
        doc.blocks.append(.heading("Last night's reminders"))
        doc.blocks.append(.table(Table(
            id: "reminders", title: "Reminders decided on \(day) (\(count)), largest first",
            columns: [Column("debtor", "Debtor"), Column("name", "Name", layout: .name), Column("ladder", "Ladder"), Column("step", "Step"),
                      Column("channels", "Channels"), Column("status", "Status"), Column("currency", "Cur."),
                      Column("invoices", "Invoices", numeric: true), Column("claimed", "Claimed", numeric: true)],
            stream: { emit in
                let cursor = try ReportQueries.remindersCursor(db, day: asOf)
                while let r = try cursor.next() {
                    let currency = Currency(stored: r.currency)
                    try emit([.text(r.debtorKey), .text(r.name), .text(r.ladder),
                              .text("\(r.stepIndex). \(r.step)"), .text(channels(r.channels)), .text(r.status),
                              .text(r.currency), .int(r.invoices), .money(r.total, currency)])
                }
            }, htmlLimit: options.topRows, emptyText: "No reminders were decided on \(day).")))
        return doc
    }

    /// What the dunning run of the day left out, by reason, as it stored it (`dunning_exclusion`);
    /// for a day without a run, what the ledger itself marks as not to be reminded. Then the
    /// reminders held or cancelled this month.
    static func exclusions(_ db: Database, asOf: Day, monthStart: Day, into doc: inout ReportDocument) throws {
        let day = asOf.description
        var rows: [[Cell]] = []
        let stored = try ReportQueries.storedExclusions(db, day: asOf)
        let caption: String
        if stored.isEmpty {
            rows = try ledgerExclusions(db, day: asOf)
            caption = "No dunning run on \(day): these are the debtors and invoices the ledger marks as not to be reminded, among "
                + "those with an overdue open invoice. `relance dunning plan --as-of \(day)` lists every exclusion with its reason."
        } else {
            for r in stored {
                let currency = Currency(stored: r.currency)
                rows.append([.text(r.reason), .text(r.level == "debtor" ? "whole debtor" : "single invoices"), .text(r.currency),
                             .int(r.debtors), .int(r.items), .money(r.amount, currency)])
            }
            caption = "As the dunning run of \(day) decided: overdue open invoices it left out. Whole debtor: nothing was sent to "
                + "the debtor; single invoices: the debtor was reminded of its other invoices. `relance dunning plan --as-of \(day)` "
                + "names each debtor."
        }
        for r in try ReportQueries.heldOrCancelled(db, from: monthStart, through: asOf) {
            let currency = Currency(stored: r.currency)
            rows.append([.text("reminder \(r.status) this month"), .text("reminder"), .text(r.currency), .int(r.debtors),
                         .int(r.reminders), .money(r.total, currency)])
        }
        doc.blocks.append(.heading("Exclusions"))
        doc.blocks.append(.table(Table(
            id: "exclusions", title: "Left out of reminders, by reason",
            columns: [Column("reason", "Reason"), Column("level", "Left out"), Column("currency", "Cur."),
                      Column("debtors", "Debtors", numeric: true), Column("items", "Items", numeric: true),
                      Column("amount", "Overdue / claimed", numeric: true)],
            rows: rows, emptyText: "Nothing kept an overdue debtor out of the reminders.", caption: caption)))
    }

    /// Without a stored run: debtors and invoices the ledger itself marks as not to be reminded,
    /// among those with an overdue open invoice on the day.
    static func ledgerExclusions(_ db: Database, day: Day) throws -> [[Cell]] {
        let reasons: [(LedgerExclusionKind, String, String)] = [
            (.debtorOnHold, "debtor on hold", "whole debtor"),
            (.directDebit, "pays by direct debit", "whole debtor"),
            (.promiseNotDue, "promise to pay not yet due", "whole debtor"),
            (.invoiceDisputed, "invoice disputed", "single invoices"),
            (.invoiceOnHold, "invoice on hold", "single invoices"),
        ]
        var rows: [[Cell]] = []
        for (kind, reason, level) in reasons {
            for r in try ReportQueries.ledgerExclusions(db, kind: kind, day: day) {
                let currency = Currency(stored: r.currency)
                rows.append([.text(reason), .text(level), .text(r.currency), .int(r.debtors), .int(r.items), .money(r.amount, currency)])
            }
        }
        return rows
    }
}
