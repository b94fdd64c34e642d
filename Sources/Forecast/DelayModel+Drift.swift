/// Whether the ledger-wide drift is worth learning on this ledger, decided by the ledger's own recent
/// history (a time-series validation inside the training data, nothing after the origin is read).
///
/// The model is learnt twice as of a cut `validationDays` (120) before the origin, with and without
/// the drift, from what was known at the end of the cut; each forecasts the invoices open then and
/// due by 30 days after it, scored against their payment by the origin (an invoice still unpaid at
/// the origin counts with what is known: it was paid after the origin, so only a P50 on or before the
/// origin is wrong, by the days to the origin + 1). The drift is kept when it scores a lower mean
/// absolute error. Ledgers larger than `validationRows` paid invoices by the cut are judged on every
/// k-th debtor, so the cost stays that of two fits of at most that many rows.
struct DriftChoice: Sendable, Equatable {
    /// Whether the drift is learnt.
    var drift: Bool
    /// Mean absolute errors on the validation invoices, with and without the drift (nil: not validated).
    var errorWith: Double?
    var errorWithout: Double?
    /// Standard error of the drift's gain (errorWithout − errorWith), paired over the same invoices.
    var gainStandardError: Double?
    /// Invoices scored, and the debtor sampling step (1: all debtors).
    var scored = 0
    var step = 1

    /// Fewer scored invoices than this: the ledger cannot tell, the settings' default stands.
    static let minimumScored = 30
    /// Largest number of paid invoices the validation fits learn from (debtors are sampled above it).
    static let validationRows = 200_000

    /// The settings' own choice, without validation.
    static func unvalidated(_ settings: DelayModel.Settings) -> DriftChoice {
        DriftChoice(drift: settings.trend, errorWith: nil, errorWithout: nil, gainStandardError: nil)
    }

    /// Decides the drift for a model learnt as of `origin` (see the type's summary).
    static func choose(facts: LedgerFacts, origin: Int32, habitSettings: SettlementHabits.Settings,
                       modelSettings: DelayModel.Settings) -> DriftChoice {
        guard modelSettings.trend, modelSettings.validateTrend else { return unvalidated(modelSettings) }
        let cut = origin - modelSettings.trendValidationDays
        var paidByCut = 0
        for i in 0..<facts.invoiceCount where facts.issue[i] <= cut && facts.isPaid(i, by: cut) { paidByCut += 1 }
        guard paidByCut >= modelSettings.minimumRowsForLateRegime else { return unvalidated(modelSettings) }
        let step = max(1, (paidByCut + validationRows - 1) / validationRows)
        let sample = step == 1 ? facts : facts.sample(debtorStep: step)
        var settings = modelSettings
        settings.validateTrend = false
        let withDrift = LearntModel(facts: sample, origin: cut, habitSettings: habitSettings, modelSettings: settings,
                                    choice: unvalidated(settings))
        settings.trend = false
        let withoutDrift = withDrift.refitted(settings: settings)
        var errorWith = 0.0, errorWithout = 0.0, gainSquares = 0.0, scored = 0
        for i in 0..<sample.invoiceCount where sample.paid[i] != LedgerFacts.unknownDay {
            // Open at the cut and due soon after it: forecast at the cut. Issued after it (and due by the
            // origin): forecast on the eve of its issue day, as a new invoice, still with the cut's model.
            let day: Int32
            if sample.isOpen(i, on: cut) && sample.due[i] <= cut + modelSettings.trendValidationHorizon {
                day = cut
            } else if modelSettings.trendValidationNewInvoices && sample.issue[i] > cut && sample.due[i] <= origin
                        && sample.paid[i] >= sample.issue[i] {
                day = sample.issue[i] - 1
            } else { continue }
            let paid = sample.paid[i]
            let known = paid <= origin
            func error(_ m: LearntModel) -> Double {
                let p50 = m.outlook(i, on: day, partlyPaid: sample.firstPaid[i] <= day, through: day).deciles().p50
                return known ? Double(abs(p50 - paid)) : Double(max(0, origin + 1 - p50))
            }
            let with = error(withDrift), without = error(withoutDrift)
            errorWith += with; errorWithout += without; gainSquares += (without - with) * (without - with); scored += 1
        }
        guard scored >= minimumScored else { return unvalidated(modelSettings) }
        let n = Double(scored), with = errorWith / n, without = errorWithout / n
        // The drift's gain per invoice and its standard error (paired: the same invoices, both forecasts).
        let gain = without - with
        let standardError = (max(0, gainSquares / n - gain * gain) / (n - 1)).squareRoot()
        return DriftChoice(drift: gain > modelSettings.trendValidationMargin * standardError, errorWith: with, errorWithout: without,
                           gainStandardError: standardError, scored: scored, step: step)
    }
}

extension LedgerFacts {
    /// The same ledger with only the invoices of every `debtorStep`-th debtor (all debtors kept, so
    /// indices stay the same; promises kept, reminders of the invoices kept).
    func sample(debtorStep: Int) -> LedgerFacts {
        var s = self
        let keep = (0..<invoiceCount).filter { Int(debtor[$0]) % debtorStep == 0 }
        s.invoiceIDs = keep.map { invoiceIDs[$0] }
        s.debtor = keep.map { debtor[$0] }
        s.issue = keep.map { issue[$0] }
        s.due = keep.map { due[$0] }
        s.paid = keep.map { paid[$0] }
        s.firstPaid = keep.map { firstPaid[$0] }
        s.amountMinor = keep.map { amountMinor[$0] }
        s.openMinor = keep.map { openMinor[$0] }
        s.currency = keep.map { currency[$0] }
        s.flags = keep.map { flags[$0] }
        var index = [Int32](repeating: -1, count: invoiceCount)
        for (k, i) in keep.enumerated() { index[i] = Int32(k) }
        let reminders = reminderInvoice.indices.filter { index[Int(reminderInvoice[$0])] >= 0 }
        s.reminderInvoice = reminders.map { index[Int(reminderInvoice[$0])] }
        s.reminderDay = reminders.map { reminderDay[$0] }
        s.reminderStep = reminders.map { reminderStep[$0] }
        s.attributes = attributes.map { a in InvoiceAttribute(name: a.name, values: keep.map { $0 < a.values.count && a.values[$0] }) }
        return s
    }
}
