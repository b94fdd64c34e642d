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
    /// The latest reminder known by the origin for each reminded invoice: its day and step.
    private var latest: [Int32: [(day: Int32, step: Int)]] = [:]

    /// No reminder: no effect.
    static let noEffect = ReminderEffect()
    private init() {}

    /// Learns from the reminders sent by `origin`, with `learnt`'s model as the expectation.
    init(learnt: LearntModel) {
        let facts = learnt.facts, origin = learnt.origin
        guard !facts.reminderInvoice.isEmpty else { return }
        let since = origin - ReminderEffect.history
        for k in facts.reminderInvoice.indices where facts.reminderDay[k] <= origin && facts.reminderDay[k] > since {
            let step = min(ReminderEffect.steps - 1, Int(facts.reminderStep[k]))
            latest[facts.reminderInvoice[k], default: []].append((facts.reminderDay[k], step))
        }
        for k in latest.keys { latest[k]?.sort { $0.day < $1.day } }
        let step = max(1, (latest.count + ReminderEffect.learningInvoices - 1) / ReminderEffect.learningInvoices)
        for invoice in latest.keys.sorted() where Int(invoice) % step == 0 {
            let i = Int(invoice)
            for r in latest[invoice] ?? [] where r.day + ReminderEffect.window <= origin && facts.isOpen(i, on: r.day) {
                let end = r.day + ReminderEffect.window
                let outlook = learnt.outlook(i, on: r.day, partlyPaid: facts.firstPaid[i] <= r.day, through: end, reminders: .noEffect)
                expected[r.step] += outlook.paidBy(day: end)
                if facts.isPaid(i, by: end) { observed[r.step] += 1 }
            }
        }
        for s in 0..<ReminderEffect.steps {
            factor[s] = (observed[s] + ReminderEffect.pseudoCount) / (expected[s] + ReminderEffect.pseudoCount)
        }
    }

    /// The reminder of invoice `i` whose window holds the day after `day` (the latest sent by then), if any.
    func active(invoice i: Int, on day: Int32) -> (end: Int32, factor: Double)? {
        guard let reminders = latest[Int32(i)], let r = reminders.last(where: { $0.day <= day }),
              r.day + ReminderEffect.window > day else { return nil }
        return (r.day + ReminderEffect.window, factor[r.step])
    }

    /// Whether any reminder was learnt from.
    var isEmpty: Bool { latest.isEmpty }
}
