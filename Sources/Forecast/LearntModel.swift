/// What is learnt from the ledger on one origin day: the training set, the debtors' settlement
/// habits, the delay model and the ledger's tail. Shared by the forecast and the backtests.
struct LearntModel: Sendable {
    let facts: LedgerFacts
    let origin: Int32
    private(set) var training: TrainingSet
    let habits: SettlementHabits
    let model: DelayModel
    let tail: LedgerTail
    let promises: PromiseRecord
    /// Whether the drift was learnt, and the validation that decided it (`DriftChoice`).
    let drift: DriftChoice
    /// What a reminder does to the days after it (`ReminderEffect`; none without reminders).
    private(set) var reminders = ReminderEffect.noEffect

    /// Learns from what was known at the end of `origin`; the drift is decided by `DriftChoice`
    /// (from the same history) unless `choice` is given.
    init(facts: LedgerFacts, origin: Int32, habitSettings: SettlementHabits.Settings = SettlementHabits.Settings(),
         modelSettings: DelayModel.Settings = DelayModel.Settings(), choice: DriftChoice? = nil) {
        self.facts = facts
        self.origin = origin
        let calendar = PaymentCalendar(covering: facts, through: origin)
        // The drift's validation learns from a sample of its own: on a thread of its own, while the
        // training set and the habits are made here.
        let validation = choice == nil ? Background {
            DriftChoice.choose(facts: facts, origin: origin, habitSettings: habitSettings, modelSettings: modelSettings)
        } : nil
        var training = TrainingSet(facts: facts, origin: origin, calendar: calendar)
        habits = SettlementHabits(training, calendar: calendar, origin: origin, settings: habitSettings)
        training.setReadyBounds(habits)
        self.training = training
        let drift = choice ?? validation?.wait() ?? DriftChoice.unvalidated(modelSettings)
        self.drift = drift
        var settings = modelSettings
        settings.trend = drift.drift
        var model = DelayModel.fit(training, settings: settings)
        model.driftChoice = drift
        self.model = model
        tail = LedgerTail(delays: training.delay)
        promises = PromiseRecord(facts: facts, origin: origin)
        if !facts.reminderInvoice.isEmpty { reminders = ReminderEffect(learnt: self) }
    }

    /// The same training set, habits and promises with the model learnt again under other settings.
    private init(_ other: LearntModel, settings: DelayModel.Settings) {
        facts = other.facts
        origin = other.origin
        training = other.training
        habits = other.habits
        model = DelayModel.fit(other.training, settings: settings)
        tail = other.tail
        promises = other.promises
        drift = DriftChoice.unvalidated(settings)
        reminders = other.reminders
    }

    /// This model without the training rows (delays, amounts, bits, payment days), which nothing
    /// needs once it is learnt: the forecast lets them go before its own arrays grow.
    func withoutTrainingRows() -> LearntModel {
        var copy = self
        copy.training.dropRows()
        return copy
    }

    /// This model learnt again with `settings` (the drift validation's second fit).
    func refitted(settings: DelayModel.Settings) -> LearntModel {
        LearntModel(self, settings: settings)
    }

    /// Invoice `i`'s outlook on day `day` (it is unpaid at the end of it), computed at least up to
    /// `through`; a reminder sent by then acts on the days of its window (`reminders`, this model's own
    /// by default).
    func outlook(_ i: Int, on day: Int32, partlyPaid: Bool, through: Int32, reminders: ReminderEffect? = nil) -> PaymentDays {
        let c = Int(facts.debtor[i])
        let bits = training.covariateBits(of: i, in: facts, partlyPaid: partlyPaid)
        let mixture = model.distribution(debtor: c, amountZ: training.amountZ(of: i, in: facts), bits: bits, due: facts.due[i])
        let due = facts.due[i]
        let delay = ConditionalDelay(mixture, tail: tail, unpaidThrough: Int(day - due))
        var days = PaymentDays(delay, due: due, origin: day, debtor: c, habits: habits, through: through)
        if let r = (reminders ?? self.reminders).active(invoice: i, on: day) { days.remind(through: r.end, factor: r.factor) }
        // An open promise of the debtor covers the invoices it had when it made it.
        if !promises.open.isEmpty, let promise = promises.open[facts.debtor[i]], facts.issue[i] <= promise.made {
            var payDay = max(promise.until, day + 1)
            while habits.acceptance(debtor: c, day: payDay) < 0.5 && payDay < promise.until + 40 { payDay += 1 }
            days.promise(day: payDay, weight: promise.weight)
        }
        return days
    }

    /// The P10, P50 and P90 delays of debtor `c`'s next invoice (typical amount, no dispute), issued
    /// on the origin day and due 30 days later.
    func typicalDeciles(debtor c: Int) -> (p10: Int, p50: Int, p90: Int) {
        let due = origin + 30
        let mixture = model.distribution(debtor: c, amountZ: training.debtorAmountZ[c], bits: 0)
        let delay = ConditionalDelay(mixture, tail: LedgerTail(delays: []), unpaidThrough: -30)
        let q = PaymentDays(delay, due: due, origin: origin, debtor: c, habits: habits, through: origin).deciles()
        return (Int(q.p10 - due), Int(q.p50 - due), Int(q.p90 - due))
    }
}
