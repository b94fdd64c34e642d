import Ledger

/// One day of the ledger's life after the base files (`--flow-day`): the invoices issued that day
/// and the bank receipts of that day, as a nightly run finds them in its inbox.
///
/// Nothing is read back: the base ledger's open invoices are drawn again from the same seed (the
/// base files are formatted into `/dev/null`), and so are the flow's invoices of every earlier flow
/// day, so the day's file depends only on the arguments. Every invoice, base or flow, gets one
/// payment day (or none) from a hash of its number, so an invoice is paid exactly once over the
/// nights, on the day its debtor's habit says:
///
/// - an invoice not yet due on the base's as-of day, and every flow invoice: its due date plus the
///   debtor's delay (mean and spread of its profile), moved to a day the debtor pays (its
///   settlement habit); never for ``unpaidPercent`` of them;
/// - an invoice already overdue on the base's as-of day: a uniform day in the 60 days after it;
///   never for ``overdueUnpaidPercent`` of them (they climb the ladder to the end);
/// - credit notes and disputed invoices: never (they stay open).
///
/// Flow invoices per day: `invoicesPerDay` on a working day, 8 % of it on a weekend, numbered after
/// the base's and the earlier flow days' invoices (so numbers and references stay unique).
struct DailyFlow {
    /// The base ledger's counts, as-of day and seed (the arguments of the base run).
    let plan: InvoicePlan
    /// Flow invoices on a weekday.
    let invoicesPerDay: Int
    /// The day whose files are written (after the base's as-of day).
    let day: Day

    /// Percent of flow invoices (and of base invoices not yet due) that are never paid.
    static let unpaidPercent: UInt64 = 6
    /// Percent of the base's overdue invoices that are never paid.
    static let overdueUnpaidPercent: UInt64 = 20

    /// Flow invoices issued on `d`.
    func count(on d: Day) -> Int {
        InvoiceWriter.weekdayWeight(d) < 1 ? (invoicesPerDay * 8 + 50) / 100 : invoicesPerDay
    }

    /// Writes `invoices-DAY.csv` (the day's new invoices, open in full) and `payments-DAY.csv`
    /// (the day's receipts, each for an invoice's whole open amount) into `out` (its `history` is not used).
    func write(debtorCount: Int, out: InvoiceFiles) throws(OutputError) {
        let horizon = day.days(since: plan.asOf) + 130
        let profiles = try DebtorWriter.profiles(count: debtorCount, seed: plan.seed)

        // The base's open invoices, paid today.
        let sink = try InvoiceFiles.discarded()
        var writer = InvoiceWriter(plan: plan, profiles: profiles, files: out, horizon: horizon)
        writer.paymentDay = day
        var base = InvoiceWriter(plan: plan, profiles: profiles, files: sink, horizon: horizon)
        var paidToday: [(Invoice, Int64)] = []
        let calendar = writer.calendar
        let payDay = { (invoice: Invoice, disputed: Bool, isFlow: Bool) -> Day? in
            self.payDay(invoice, disputed: disputed, isFlow: isFlow, profiles: profiles, calendar: calendar)
        }
        let today = day
        base.onOpen = { invoice, open, disputed in
            if payDay(invoice, disputed, false) == today { paidToday.append((invoice, open)) }
        }
        try base.run()
        try sink.close()

        // The flow days up to today: earlier days' invoices paid today, today's invoices written.
        var counter = UInt64(plan.openCount + plan.historyCount)
        var d = plan.asOf.adding(days: 1)
        while d <= day {
            writer.rng = Xoshiro(seed: plan.seed ^ mix64(UInt64(d.days(since: plan.asOf))), stream: 4)
            writer.invoiceCounter = counter
            for _ in 0..<count(on: d) {
                let invoice = writer.nextInvoice(issued: d)
                let disputed = !invoice.isCreditNote && writer.rng.below(100) < 2
                if d == day {
                    try writer.writeInvoice(invoice, open: invoice.amount, disputed: disputed, to: out.open)
                } else if payDay(invoice, disputed, true) == day {
                    paidToday.append((invoice, invoice.amount))
                }
            }
            counter = writer.invoiceCounter
            d = d.adding(days: 1)
        }
        writer.rng = Xoshiro(seed: plan.seed ^ mix64(UInt64(day.days(since: plan.asOf))), stream: 5)
        for (invoice, amount) in paidToday.sorted(by: { $0.0.counter < $1.0.counter }) {
            try writer.writePayment(of: invoice, amount: amount, on: day)
        }
    }

    /// The day `invoice` is paid in full, nil when never (see the type's description).
    func payDay(_ invoice: Invoice, disputed: Bool, isFlow: Bool, profiles: [DebtorProfile],
                calendar: SettlementCalendar) -> Day? {
        guard !invoice.isCreditNote, !disputed else { return nil }
        let h = mix64(invoice.counter ^ plan.seed ^ 0xDA11_F10E)
        let profile = profiles[invoice.debtor]
        let overdueAtBase = !isFlow && invoice.due < plan.asOf
        guard h % 100 >= (overdueAtBase ? DailyFlow.overdueUnpaidPercent : DailyFlow.unpaidPercent) else { return nil }
        var intended: Day
        if overdueAtBase {
            intended = plan.asOf.adding(days: 1 + Int((h >> 8) % 60))
        } else {
            var rng = Xoshiro(seed: h, stream: 6)
            let delay = (Double(profile.meanDelay) + Double(profile.spread) * rng.normal()).rounded()
            intended = invoice.due.adding(days: Int(delay))
        }
        let floor = isFlow ? invoice.issue.adding(days: 1) : plan.asOf.adding(days: 1)
        if intended < floor { intended = floor }
        let follows = (h >> 32) % 100 < SettlementHabit.adherencePercent
        return calendar.settle(intended, habit: profile.habit, runDays: profile.runDays, follows: follows)
    }
}
