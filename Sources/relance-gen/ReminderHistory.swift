import Ledger

/// The reminders Relance would have sent before the base's as-of day had it run every night
/// (`--reminder-history`): `reminders-history.csv`, in the format `relance ingest reminders` reads,
/// so a benchmark ledger starts with its debtors spread over the ladder instead of all at its foot.
///
/// Nothing is read back: the base's open invoices are drawn again from the same seed (into
/// `/dev/null`), as the daily flow does. For each debtor, its overdue open invoices (not credit
/// notes, not disputed) as of the as-of day are what it owes; the ladder (the default `b2b` or `b2c`
/// one a new workspace writes: reminder-1 at 7 or 5 days after the due date, then reminder-2,
/// formal notice, call and hand-over at 14 or 17, 14, 7 and 21 days after the previous step) starts
/// at the oldest one's due date, one step per message, and each message moves every invoice already
/// due on its day to its step. An invoice gets a row for each message on a day in the
/// ``windowDays`` before the as-of day (the as-of day included) once it was due; an invoice whose
/// messages all came before that window gets one row, its last step. Every row names an invoice
/// still open on the as-of day, so no reminder is ever for an invoice already paid on its day.
///
/// Not modelled: the base's invoices paid late before the as-of day (they would have been reminded
/// too; they are closed, so they no longer set a level), debtors under the ladder's minimum balance
/// (the nightly leaves them alone whatever their state).
struct ReminderHistory {
    /// The base ledger's counts, as-of day and seed.
    let plan: InvoicePlan

    /// Days before the as-of day whose every message gets a row.
    static let windowDays = 60

    /// One ladder step: days after the due date (first step) or after the previous step, its name
    /// and the channel written in the row.
    struct Step {
        /// Days after the oldest due date (first step) or after the previous step.
        let after: Int
        /// The step's name in the default ladder.
        let name: [UInt8]
        /// `email`, `post` or `manual`.
        let channel: [UInt8]

        /// A step from its text.
        init(_ after: Int, _ name: String, _ channel: String) {
            self.after = after
            self.name = Array(name.utf8)
            self.channel = Array(channel.utf8)
        }
    }

    /// The default `b2b` ladder after the due date (`relance init`'s ladder-b2b.toml).
    static let b2b = [Step(7, "reminder-1", "email"), Step(14, "reminder-2", "email"), Step(14, "formal-notice", "post"),
                      Step(7, "call", "manual"), Step(21, "collection-agency", "manual")]
    /// The default `b2c` ladder (`relance init`'s ladder-b2c.toml).
    static let b2c = [Step(5, "reminder-1", "email"), Step(17, "reminder-2", "email"), Step(14, "formal-notice", "post"),
                      Step(7, "call", "manual"), Step(21, "collection-agency", "manual")]

    /// The header line.
    static let header = "invoice_number,day,step,channel"

    /// The message days of a debtor whose oldest overdue invoice fell due on `oldest`, up to `asOf`:
    /// the day of each step reached, in ladder order.
    static func messageDays(oldest: Day, ladder: [Step], asOf: Day) -> [Day] {
        var days: [Day] = []
        var d = oldest
        for step in ladder {
            d = d.adding(days: step.after)
            guard d <= asOf else { break }
            days.append(d)
        }
        return days
    }

    /// The rows of one invoice due on `due`, given its debtor's message days: the indices of the
    /// messages it gets a row for (see the type's description).
    static func rows(due: Day, messages: [Day], asOf: Day) -> [Int] {
        let after = messages.indices.filter { messages[$0] > due }
        let window = asOf.adding(days: -windowDays)
        let inWindow = after.filter { messages[$0] >= window }
        if !inWindow.isEmpty { return inWindow }
        return after.last.map { [$0] } ?? []
    }

    /// Writes the rows into `out`.
    func write(debtorCount: Int, out: OutputFile) throws(OutputError) {
        let profiles = try DebtorWriter.profiles(count: debtorCount, seed: plan.seed)
        let sink = try InvoiceFiles.discarded()
        var base = InvoiceWriter(plan: plan, profiles: profiles, files: sink)
        var overdue: [Invoice] = []
        let asOf = plan.asOf
        base.onOpen = { invoice, _, disputed in
            if !invoice.isCreditNote, !disputed, invoice.due < asOf { overdue.append(invoice) }
        }
        try base.run()
        try sink.close()

        overdue.sort { ($0.debtor, $0.due, $0.counter) < ($1.debtor, $1.due, $1.counter) }
        var i = 0
        while i < overdue.count {
            let debtor = overdue[i].debtor
            let ladder = profiles[debtor].isB2B ? Self.b2b : Self.b2c
            let messages = Self.messageDays(oldest: overdue[i].due, ladder: ladder, asOf: asOf)
            while i < overdue.count, overdue[i].debtor == debtor {
                let invoice = overdue[i]
                for k in Self.rows(due: invoice.due, messages: messages, asOf: asOf) {
                    try out.beginRow()
                    base.writeInvoiceNumber(invoice, to: out)
                    out.comma()
                    base.days.write(messages[k], to: out)
                    out.comma()
                    out.bytes(ladder[k].name)
                    out.comma()
                    out.bytes(ladder[k].channel)
                    out.newline()
                }
                i += 1
            }
        }
    }
}
