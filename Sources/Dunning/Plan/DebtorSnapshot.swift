import Foundation
import Ledger
import Store

/// What the planner knows of one debtor on the as-of day: read from the ledger, never written.
package struct DebtorSnapshot: Sendable, Equatable {

    package var id: Int64
    package var key: String
    package var name: String
    package var kind: DebtorKind
    package var language: String
    package var onHold: Bool
    package var directDebit: Bool
    package var hasEmail: Bool
    package var hasPostalAddress: Bool
    /// A promise to pay: no reminder until this day (inclusive): the open promise's date plus the
    /// grace days in force when it was made (`[dunning] promise_grace_days`).
    package var promisedUntil: Day?
    /// The date of a broken promise not yet followed by a reminder (the worklist's "broken promise").
    package var brokenPromise: Day? = nil
    /// Open invoices and credit notes.
    package var items: [OpenItem]
    /// Payments received but not applied to an invoice (they reduce the balance).
    package var unapplied: Money
    /// Where reminders go: the e-mail address, and the postal address lines after the name
    /// (street, postcode and city, country when not Belgium).
    package var email: String? = nil
    package var addressLines: [String] = []
    /// The day of the debtor's last message before the as-of day (worklist items are not messages).
    package var lastMessage: Day? = nil
    /// The debtor's own contractual interest rate, in percent (`debtor.interest_rate_percent`).
    package var contractRate: Decimal? = nil
    /// A public authority: no contractual B2B rate applies.
    package var publicAuthority = false

    /// The latest first reminder among the open items, with its channel (a consumer's 14-day period runs from it).
    package var firstReminder: (day: Day, channel: ReminderChannel)? {
        items.compactMap { i in i.firstReminder.map { ($0, i.firstReminderChannel ?? .post) } }.max { $0.0 < $1.0 }
    }

    package init(id: Int64, key: String, name: String, kind: DebtorKind, language: String, onHold: Bool = false,
                directDebit: Bool = false, hasEmail: Bool, hasPostalAddress: Bool, promisedUntil: Day? = nil,
                items: [OpenItem], unapplied: Money) {
        self.id = id
        self.key = key
        self.name = name
        self.kind = kind
        self.language = language
        self.onHold = onHold
        self.directDebit = directDebit
        self.hasEmail = hasEmail
        self.hasPostalAddress = hasPostalAddress
        self.promisedUntil = promisedUntil
        self.items = items
        self.unapplied = unapplied
    }
}

/// One open invoice or credit note, with where it stands on the ladder.
package struct OpenItem: Sendable, Equatable {
    package var invoiceID: Int64
    package var number: String
    package var isCreditNote: Bool
    package var issue: Day
    package var due: Day
    package var amount: Money
    package var open: Money
    package var disputed: Bool
    package var onHold: Bool
    package var description: String?
    /// The ladder step this invoice last reached (index into the ladder), nil when never reminded.
    package var stepIndex: Int?
    /// The day of that step's reminder.
    package var lastReminder: Day?
    /// B2C: the first reminder's day and channel, which start the 14-day period.
    package var firstReminder: Day?
    package var firstReminderChannel: ReminderChannel?

    package init(invoiceID: Int64, number: String, isCreditNote: Bool = false, issue: Day, due: Day, amount: Money, open: Money,
                disputed: Bool = false, onHold: Bool = false, description: String? = nil, stepIndex: Int? = nil,
                lastReminder: Day? = nil, firstReminder: Day? = nil, firstReminderChannel: ReminderChannel? = nil) {
        self.invoiceID = invoiceID
        self.number = number
        self.isCreditNote = isCreditNote
        self.issue = issue
        self.due = due
        self.amount = amount
        self.open = open
        self.disputed = disputed
        self.onHold = onHold
        self.description = description
        self.stepIndex = stepIndex
        self.lastReminder = lastReminder
        self.firstReminder = firstReminder
        self.firstReminderChannel = firstReminderChannel
    }
}
