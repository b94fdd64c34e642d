import Ledger

/// How many invoices to write and over which days.
struct InvoicePlan {
    /// Rows in `invoices-open.csv`.
    let openCount: Int
    /// Rows in `invoices-history.csv`.
    let historyCount: Int
    /// The day the open balances are taken; no payment is later.
    let asOf: Day
    /// The user's seed.
    let seed: UInt64

    /// First issue day of the paid history: five years before the as-of day.
    var historyStart: Day { asOf.adding(months: -60) }
    /// First issue day of the open invoices: 200 days before the as-of day.
    var openStart: Day { asOf.adding(days: -200) }
    /// Digits after `INV-YYYY-`: 7, more beyond ten million invoices.
    var invoiceWidth: Int { max(7, OutputFile.digitCount(UInt64(openCount + historyCount))) }
    /// Digits after `PAY-`: 8, more when there could be more payments.
    var paymentWidth: Int { max(8, OutputFile.digitCount(UInt64(2 * historyCount + openCount))) }
}

/// The three output files of ``InvoiceWriter``.
struct InvoiceFiles {
    /// `invoices-open.csv`.
    let open: OutputFile
    /// `invoices-history.csv`.
    let history: OutputFile
    /// `payments-history.csv`.
    let payments: OutputFile

    /// Three files to /dev/null: for replaying the base's draw without writing it again.
    static func discarded() throws(OutputError) -> InvoiceFiles {
        InvoiceFiles(open: try OutputFile(path: "/dev/null", header: InvoiceWriter.invoiceHeader),
                     history: try OutputFile(path: "/dev/null", header: InvoiceWriter.invoiceHeader),
                     payments: try OutputFile(path: "/dev/null", header: InvoiceWriter.paymentHeader))
    }

    /// Closes the three files.
    func close() throws(OutputError) {
        // Three calls, not a loop over the three: Swift 6.3.1's optimiser crashes on that loop here.
        try open.close()
        try history.close()
        try payments.close()
    }
}

/// Writes open invoices, paid history and the payments in one chronological pass over the calendar.
///
/// Each day gets a fixed quota of history and open invoices; within a day the two kinds are
/// interleaved at random, and one global counter numbers them, so invoice numbers rise with the
/// issue date across both files. Nothing about an invoice is kept once its rows are written.
struct InvoiceWriter {
    /// Header of both invoice files.
    static let invoiceHeader =
        "invoice_number,debtor_id,issue_date,due_date,currency,amount,open_amount,type,structured_reference,description,disputed"
    /// Header of the payments file.
    static let paymentHeader = "payment_id,date,amount,currency,invoice_number,structured_reference,debtor_id"

    /// The invoice stream of the seed.
    var rng: Xoshiro
    /// Counts and window.
    let plan: InvoicePlan
    /// One profile per debtor, by index.
    let profiles: [DebtorProfile]
    /// Where rows go.
    let files: InvoiceFiles
    /// ISO text of every issue, due and payment day.
    let days: DayTable
    /// Working days, month ends and payday windows of the same days.
    let calendar: SettlementCalendar
    /// Digits after `D` in debtor ids.
    let debtorWidth: Int
    /// Number of key accounts (debtors 0, 20, 40…).
    let keyAccounts: Int
    /// The last invoice number used, over both invoice files.
    var invoiceCounter: UInt64 = 0
    /// The last payment number used.
    var paymentCounter: UInt64 = 0
    /// Told of every open invoice as it is written (its open amount and whether it is disputed):
    /// the daily flow (``DailyFlow``) learns the base ledger's open items this way.
    var onOpen: ((Invoice, Int64, Bool) -> Void)? = nil
    /// Set by the daily flow: payment ids carry this day (`PAY-2026-11-23-0000001`).
    var paymentDay: Day? = nil

    /// Writes every invoice and payment row. `profiles` must not be empty when there are invoices.
    static func write(plan: InvoicePlan, profiles: [DebtorProfile], files: InvoiceFiles) throws(OutputError) {
        var writer = InvoiceWriter(plan: plan, profiles: profiles, files: files)
        try writer.run()
    }

    /// A writer at the start of the calendar; its day tables reach `horizon` days past the as-of day.
    init(plan: InvoicePlan, profiles: [DebtorProfile], files: InvoiceFiles, horizon: Int = 120) {
        self.rng = Xoshiro(seed: plan.seed, stream: 2)
        self.plan = plan
        self.profiles = profiles
        self.files = files
        self.days = DayTable(first: plan.historyStart, last: plan.asOf.adding(days: horizon))
        self.calendar = SettlementCalendar(first: plan.historyStart, last: plan.asOf.adding(days: horizon))
        self.debtorWidth = DebtorWriter.idWidth(count: profiles.count)
        self.keyAccounts = (profiles.count + 19) / 20
    }

    /// Walks the calendar from the first history day to the as-of day.
    mutating func run() throws(OutputError) {
        let asOf = plan.asOf
        let historyStart = plan.historyStart
        let openStart = plan.openStart
        let historyDays = InvoiceWriter.dailyCounts(
            plan.historyCount, first: historyStart, last: asOf.adding(days: -1), weight: InvoiceWriter.weekdayWeight)
        let openDays = InvoiceWriter.dailyCounts(plan.openCount, first: openStart, last: asOf) { day in
            let age = Double(asOf.days(since: day))
            let decay = age <= 45 ? 1.0 : PortableMath.exp(-(age - 45) / 55)
            return InvoiceWriter.weekdayWeight(day) * decay
        }
        let first = min(historyStart, openStart)
        for offset in 0...max(0, asOf.days(since: first)) {
            let day = first.adding(days: offset)
            let h = day.days(since: historyStart)
            let o = day.days(since: openStart)
            var historyLeft = h >= 0 && h < historyDays.count ? historyDays[h] : 0
            var openLeft = o >= 0 && o < openDays.count ? openDays[o] : 0
            while historyLeft + openLeft > 0 {
                if rng.below(historyLeft + openLeft) < openLeft {
                    openLeft -= 1
                    try openInvoice(issued: day)
                } else {
                    historyLeft -= 1
                    try historyInvoice(issued: day)
                }
            }
        }
    }

    /// Weekdays 1, weekends 0.08: few invoices are issued on Saturday or Sunday.
    static func weekdayWeight(_ day: Day) -> Double { day.isoWeekday >= 6 ? 0.08 : 1.0 }

    /// `count` spread over `first...last` in proportion to `weight`, by rounding the cumulative share down.
    static func dailyCounts(_ count: Int, first: Day, last: Day, weight: (Day) -> Double) -> [Int] {
        let n = last.days(since: first) + 1
        guard n > 0, count > 0 else { return [] }
        let weights = (0..<n).map { weight(first.adding(days: $0)) }
        let total = weights.reduce(0, +)
        var out = [Int](repeating: 0, count: n)
        var cumulative = 0.0
        var assigned = 0
        for i in 0..<n {
            cumulative += weights[i]
            let target = i == n - 1 ? count : max(assigned, min(count, Int(Double(count) * cumulative / total)))
            out[i] = target - assigned
            assigned = target
        }
        return out
    }

    /// An open receivable: full, partly paid (10 %, with its payment) or a credit note (3 %).
    private mutating func openInvoice(issued day: Day) throws(OutputError) {
        let invoice = nextInvoice(issued: day)
        var open = invoice.amount
        let disputed = !invoice.isCreditNote && rng.below(100) < 2
        if !invoice.isCreditNote && rng.below(100) < 10 {
            let paid = min(max(invoice.amount * Int64(rng.between(10, 90)) / 100, 1), invoice.amount - 1)
            open = invoice.amount - paid
            let date = day.adding(days: rng.below(plan.asOf.days(since: day) + 1))
            try writePayment(of: invoice, amount: paid, on: calendar.workingDay(onOrBefore: date, notBefore: day))
        }
        try writeInvoice(invoice, open: open, disputed: disputed, to: files.open)
        onOpen?(invoice, open, disputed)
    }

    /// A paid invoice (one payment, or two for 5 %) or a settled credit note (no payment).
    private mutating func historyInvoice(issued day: Day) throws(OutputError) {
        let invoice = nextInvoice(issued: day)
        try writeInvoice(invoice, open: 0, disputed: false, to: files.history)
        guard !invoice.isCreditNote else { return }
        let profile = profiles[invoice.debtor]
        let delay = (Double(profile.meanDelay) + Double(profile.spread) * rng.normal()).rounded()
        var date = invoice.due.adding(days: Int(delay))
        if date < day { date = day }
        if date > plan.asOf {
            date = day.adding(days: rng.below(plan.asOf.days(since: day) + 1))
            date = calendar.workingDay(onOrBefore: date, notBefore: day)
        } else {
            // The intended day becomes a day on which this debtor pays (its habit, 90 % of the time).
            let follows = mix64(invoice.counter ^ plan.seed) % 100 < SettlementHabit.adherencePercent
            date = calendar.settle(date, habit: profile.habit, runDays: profile.runDays, follows: follows)
            if date > plan.asOf { date = calendar.workingDay(onOrBefore: plan.asOf, notBefore: day) }
        }
        if rng.below(100) < 5 {
            let first = min(max(invoice.amount * Int64(rng.between(20, 80)) / 100, 1), invoice.amount - 1)
            let earlier = calendar.workingDay(onOrBefore: max(day, date.adding(days: -rng.between(5, 40))), notBefore: day)
            try writePayment(of: invoice, amount: first, on: earlier)
            try writePayment(of: invoice, amount: invoice.amount - first, on: date)
        } else {
            try writePayment(of: invoice, amount: invoice.amount, on: date)
        }
    }

    /// Numbers the next invoice and draws its debtor, type and amount.
    mutating func nextInvoice(issued day: Day) -> Invoice {
        invoiceCounter += 1
        let debtor =
            keyAccounts > 0 && rng.below(10) < 3 ? rng.below(keyAccounts) * 20 : rng.below(profiles.count)
        let profile = profiles[debtor]
        let isCreditNote = rng.below(1000) < 30
        let amount = drawAmount(isB2B: profile.isB2B)
        let descriptions =
            isCreditNote
            ? Vocabulary.creditNoteDescriptions[Int(profile.language.rawValue)]
            : Vocabulary.invoiceDescriptions[Int(profile.language.rawValue)]
        return Invoice(
            counter: invoiceCounter, debtor: debtor, issue: day, due: day.adding(days: Int(profile.termsDays)),
            amount: isCreditNote ? -amount : amount, isCreditNote: isCreditNote,
            description: rng.below(descriptions.count))
    }

    /// Log-normal amount in cents, median about €735 for companies and €134 for persons, kept in €20…€50,000.
    private mutating func drawAmount(isB2B: Bool) -> Int64 {
        let (mu, sigma) = isB2B ? (6.6, 1.2) : (4.9, 0.9)
        var euros = 0.0
        for _ in 0..<8 {
            euros = PortableMath.exp(mu + sigma * rng.normal())
            if euros >= 20 && euros <= 50_000 { break }
        }
        return Int64((min(max(euros, 20), 50_000) * 100).rounded())
    }
}

/// One invoice while its rows are being written.
struct Invoice {
    /// The global invoice counter: number suffix and structured-reference base.
    let counter: UInt64
    /// Index of the debtor in the profiles.
    let debtor: Int
    /// Issue date.
    let issue: Day
    /// Issue date plus the debtor's payment terms.
    let due: Day
    /// Amount in cents including VAT; negative for a credit note.
    let amount: Int64
    /// A credit note rather than an invoice.
    let isCreditNote: Bool
    /// Index into the description list of the debtor's language.
    let description: Int
}
