/// What is learnt from the ledger on one origin day: the training set, the debtors' settlement
/// habits, the delay model and the ledger's tail. Shared by the forecast and the backtests.
struct LearntModel: Sendable {
    let facts: LedgerFacts
    let origin: Int32
    let training: TrainingSet
    let habits: SettlementHabits
    let model: DelayModel
    let tail: LedgerTail
    let promises: PromiseRecord

    /// Learns from what was known at the end of `origin`.
    init(facts: LedgerFacts, origin: Int32, habitSettings: SettlementHabits.Settings = SettlementHabits.Settings(),
         modelSettings: DelayModel.Settings = DelayModel.Settings()) {
        self.facts = facts
        self.origin = origin
        let calendar = PaymentCalendar(covering: facts, through: origin)
        var training = TrainingSet(facts: facts, origin: origin, calendar: calendar)
        habits = SettlementHabits(training, calendar: calendar, origin: origin, settings: habitSettings)
        training.setReadyBounds(habits)
        self.training = training
        model = DelayModel.fit(training, settings: modelSettings)
        tail = LedgerTail(delays: training.delay)
        promises = PromiseRecord(facts: facts, origin: origin)
    }

    /// Invoice `i`'s outlook on day `day` (it is unpaid at the end of it), computed at least up to `through`.
    func outlook(_ i: Int, on day: Int32, partlyPaid: Bool, through: Int32) -> PaymentDays {
        let c = Int(facts.debtor[i])
        let bits = training.covariateBits(of: i, in: facts, partlyPaid: partlyPaid)
        let mixture = model.distribution(debtor: c, amountZ: training.amountZ(of: i, in: facts), bits: bits, due: facts.due[i])
        let due = facts.due[i]
        let delay = ConditionalDelay(mixture, tail: tail, unpaidThrough: Int(day - due))
        var days = PaymentDays(delay, due: due, origin: day, debtor: c, habits: habits, through: through)
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
