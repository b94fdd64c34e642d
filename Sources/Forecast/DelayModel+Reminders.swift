/// What a reminder does to the chance of payment in the days after it, learnt per step of the
/// ladder from the ledger's own reminders (`dunning_event_item` of the events sent by the origin).
///
/// "Was reminded", learnt from paid invoices, would only say "was late", which the survival
/// conditioning already knows. What is learnt instead is the payment hazard in the `window` (7) days
/// after a reminder at each step against what the model expects for an invoice of that age, unpaid
/// then, without a reminder: observed payments in those windows over expected ones, shrunk toward 1
/// with `pseudoCount` (5) expected payments. Only reminders whose window ended by the origin are
/// counted, from the `history` (180) days before the origin, on at most `learningInvoices` reminded
/// invoices (every k-th above that). A forecast made within a reminder's window multiplies the daily hazard of its remaining
/// days by the step's factor (`PaymentDays.remind`). A ledger without reminders learns nothing and
/// forecasts exactly as before.
struct ReminderEffect: Sendable {
    /// Days after a reminder in which its effect is learnt and applied.
    static let window: Int32 = 7
    /// Steps learnt apart; later steps count as the last.
    static let steps = 4
    /// Days before the origin whose reminders are read (older ones neither learnt from nor kept).
    static let history: Int32 = 180
    /// Most reminded invoices learnt from (every k-th invoice above it), to bound the cost.
    static let learningInvoices = 200_000
    /// Weight of the factor's prior (1), in expected payments.
    static let pseudoCount = 5.0

    /// Hazard factor per step (1: no effect).
    private(set) var factor = [Double](repeating: 1, count: ReminderEffect.steps)
    /// Observed and expected payments in the windows, per step.
    private(set) var observed = [Double](repeating: 0, count: ReminderEffect.steps)
    private(set) var expected = [Double](repeating: 0, count: ReminderEffect.steps)
    /// The reminders of the `history` days before the origin, by invoice then day (12 bytes each);
    /// emptied when nothing was learnt (every factor 1), since they then change no forecast.
    private var entries: [(invoice: Int32, day: Int32, step: UInt8)] = []

    /// No reminder: no effect.
    static let noEffect = ReminderEffect()
    private init() {}

    /// Learns from the reminders sent by `origin`, with `learnt`'s model as the expectation.
    init(learnt: LearntModel) {
        let facts = learnt.facts, origin = learnt.origin
        guard !facts.reminderInvoice.isEmpty else { return }
        let since = origin - ReminderEffect.history
        for k in facts.reminderInvoice.indices where facts.reminderDay[k] <= origin && facts.reminderDay[k] > since {
            entries.append((facts.reminderInvoice[k], facts.reminderDay[k], UInt8(min(ReminderEffect.steps - 1, Int(facts.reminderStep[k])))))
        }
        entries.sort { $0.invoice != $1.invoice ? $0.invoice < $1.invoice : ($0.day != $1.day ? $0.day < $1.day : $0.step < $1.step) }
        var invoices = 0, last: Int32 = -1
        for e in entries where e.invoice != last { invoices += 1; last = e.invoice }
        let every = max(1, (invoices + ReminderEffect.learningInvoices - 1) / ReminderEffect.learningInvoices)
        for e in entries where Int(e.invoice) % every == 0 && e.day + ReminderEffect.window <= origin {
            let i = Int(e.invoice), end = e.day + ReminderEffect.window
            guard facts.isOpen(i, on: e.day) else { continue }
            let outlook = learnt.outlook(i, on: e.day, partlyPaid: facts.firstPaid[i] <= e.day, through: end, reminders: .noEffect)
            expected[Int(e.step)] += outlook.paidBy(day: end)
            if facts.isPaid(i, by: end) { observed[Int(e.step)] += 1 }
        }
        for s in 0..<ReminderEffect.steps {
            factor[s] = (observed[s] + ReminderEffect.pseudoCount) / (expected[s] + ReminderEffect.pseudoCount)
        }
        if factor.allSatisfy({ $0 == 1 }) { entries = [] }
    }

    /// The reminder of invoice `i` whose window holds the day after `day` (the latest sent by then), if any.
    func active(invoice i: Int, on day: Int32) -> (end: Int32, factor: Double)? {
        guard !entries.isEmpty else { return nil }
        let invoice = Int32(i)
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].invoice < invoice { lo = mid + 1 } else { hi = mid }
        }
        var found: (day: Int32, step: UInt8)?
        while lo < entries.count && entries[lo].invoice == invoice && entries[lo].day <= day {
            found = (entries[lo].day, entries[lo].step)
            lo += 1
        }
        guard let r = found, r.day + ReminderEffect.window > day else { return nil }
        return (r.day + ReminderEffect.window, factor[Int(r.step)])
    }

    /// Whether no reminder acts on any forecast (none read, or nothing learnt from them).
    var isEmpty: Bool { entries.isEmpty }
}
