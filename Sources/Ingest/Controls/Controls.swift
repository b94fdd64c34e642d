import Foundation
import GRDB
import Ledger
import Store

/// Who does an action, and when: the journal's `who` and `at`.
package struct Actor: Sendable {
    /// The OS user (`ActionJournal.currentUser()`), or `relance` for automatic decisions.
    package var who: String
    /// The instant of the action.
    package var at: Date
    /// The business day of the action (promises in the past are refused against it).
    package var today: Day

    package init(who: String, at: Date, today: Day) {
        self.who = who
        self.at = at
        self.today = today
    }
}

/// What an action did: changed something (journaled), or found it already so (nothing written).
package enum ControlOutcome: Sendable, Equatable {
    case done(String)
    case unchanged(String)

    /// The line the command prints.
    package var message: String {
        switch self {
        case .done(let m): m
        case .unchanged(let m): m + " (unchanged)"
        }
    }
}

/// Why an action was refused: an unknown debtor or invoice, a promise in the past… Nothing is written.
package struct ControlRefusal: Error, CustomStringConvertible, Equatable {
    package let message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// The credit controller's actions on debtors and invoices, each journaled in `action_journal` in
/// the same transaction as its change; repeating one changes nothing (docs/CONTROLS.md).
package enum Controls {
    static func debtor(_ db: Database, _ key: String) throws -> ControlDebtor {
        guard let d = try IngestQueries.controlDebtor(db, key: key) else {
            throw ControlRefusal("debtor \(key) is not in the ledger")
        }
        return d
    }

    static func invoice(_ db: Database, _ number: String) throws -> ControlInvoice {
        guard let i = try IngestQueries.controlInvoice(db, number: number) else {
            throw ControlRefusal("invoice \(number) is not in the ledger")
        }
        return i
    }

    /// Puts a debtor on hold (no reminders), with a reason and an optional last day.
    package static func hold(_ db: Database, debtor key: String, reason: String, until: Day?, by actor: Actor) throws -> ControlOutcome {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw ControlRefusal("a hold needs a reason (--reason)") }
        if let until, until < actor.today { throw ControlRefusal("--until \(until) is in the past") }
        let d = try debtor(db, key)
        if d.onHold && d.holdReason == reason && d.holdUntil == until?.description {
            return .unchanged("debtor \(key) is on hold")
        }
        try IngestCommands.hold(db, debtorID: d.id, reason: reason, until: until?.description)
        try ActionJournal.append(db, at: actor.at, who: actor.who, action: "hold", debtorID: d.id,
                                 detail: ["reason": reason, "until": until?.description])
        return .done("debtor \(key) on hold" + (until.map { " until \($0)" } ?? ""))
    }

    /// Takes a debtor off hold.
    package static func release(_ db: Database, debtor key: String, by actor: Actor) throws -> ControlOutcome {
        let d = try debtor(db, key)
        guard d.onHold else { return .unchanged("debtor \(key) is not on hold") }
        try IngestCommands.release(db, debtorID: d.id)
        try ActionJournal.append(db, at: actor.at, who: actor.who, action: "release", debtorID: d.id,
                                 detail: ["reason": d.holdReason])
        return .done("debtor \(key) released")
    }

    /// Sets the direct-debit (domiciliëring) flag: such a debtor gets no reminders.
    package static func setDirectDebit(_ db: Database, debtor key: String, on: Bool, by actor: Actor) throws -> ControlOutcome {
        let d = try debtor(db, key)
        guard d.directDebit != on else { return .unchanged("debtor \(key) direct debit is \(on ? "on" : "off")") }
        try IngestCommands.setDirectDebit(db, debtorID: d.id, on: on)
        try ActionJournal.append(db, at: actor.at, who: actor.who, action: "direct-debit", debtorID: d.id, detail: ["direct_debit": on ? "on" : "off"])
        return .done("debtor \(key) direct debit \(on ? "on" : "off")")
    }

    /// Flags an invoice as disputed (left out of reminders) with a reason.
    package static func dispute(_ db: Database, invoice number: String, reason: String, by actor: Actor) throws -> ControlOutcome {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw ControlRefusal("a dispute needs a reason (--reason)") }
        let i = try invoice(db, number)
        if i.disputed && i.disputeReason == reason { return .unchanged("invoice \(number) is disputed") }
        try IngestCommands.dispute(db, invoiceID: i.id, reason: reason)
        try ActionJournal.append(db, at: actor.at, who: actor.who, action: "dispute", debtorID: i.debtorID, invoiceID: i.id, detail: ["reason": reason])
        return .done("invoice \(number) disputed")
    }

    /// Resolves an invoice's dispute: it is reminded again.
    package static func resolve(_ db: Database, invoice number: String, by actor: Actor) throws -> ControlOutcome {
        let i = try invoice(db, number)
        guard i.disputed else { return .unchanged("invoice \(number) is not disputed") }
        try IngestCommands.resolveDispute(db, invoiceID: i.id)
        try ActionJournal.append(db, at: actor.at, who: actor.who, action: "resolve", debtorID: i.debtorID, invoiceID: i.id,
                                 detail: ["reason": i.disputeReason])
        return .done("invoice \(number) dispute resolved")
    }

    /// Adds a note to a debtor; the same text as the debtor's last note adds nothing.
    package static func addNote(_ db: Database, debtor key: String, text: String, by actor: Actor) throws -> ControlOutcome {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ControlRefusal("the note is empty") }
        let d = try debtor(db, key)
        if try IngestQueries.lastNote(db, debtorID: d.id) == text { return .unchanged("debtor \(key) already has this note") }
        let note = try IngestCommands.addNote(db, debtorID: d.id, at: Instant.string(actor.at), who: actor.who, text: text)
        try ActionJournal.append(db, at: actor.at, who: actor.who, action: "note", debtorID: d.id, detail: ["note_id": String(note)])
        return .done("note added to debtor \(key)")
    }
}
