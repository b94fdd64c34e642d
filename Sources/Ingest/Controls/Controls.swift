import Foundation
import GRDB
import Ledger
import Store

/// Who does an action, and when: the journal's `who` and `at`.
public struct Actor: Sendable {
    /// The OS user (`ActionJournal.currentUser()`), or `relance` for automatic decisions.
    public var who: String
    /// The instant of the action.
    public var at: Date
    /// The business day of the action (promises in the past are refused against it).
    public var today: Day

    public init(who: String, at: Date, today: Day) {
        self.who = who
        self.at = at
        self.today = today
    }
}

/// What an action did: changed something (journaled), or found it already so (nothing written).
public enum ControlOutcome: Sendable, Equatable {
    case done(String)
    case unchanged(String)

    /// The line the command prints.
    public var message: String {
        switch self {
        case .done(let m): m
        case .unchanged(let m): m + " (unchanged)"
        }
    }
}

/// Why an action was refused: an unknown debtor or invoice, a promise in the past… Nothing is written.
public struct ControlRefusal: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The credit controller's actions on debtors and invoices, each journaled in `action_journal` in
/// the same transaction as its change; repeating one changes nothing (docs/CONTROLS.md).
public enum Controls {
    static func debtor(_ db: Database, _ key: String) throws -> Row {
        guard let r = try Row.fetchOne(db, sql: """
            SELECT id, on_hold, hold_reason, hold_until, direct_debit FROM debtor WHERE debtor_key = ?
            """, arguments: [key]) else {
            throw ControlRefusal("debtor \(key) is not in the ledger")
        }
        return r
    }

    static func invoice(_ db: Database, _ number: String) throws -> Row {
        guard let r = try Row.fetchOne(db, sql: """
            SELECT id, debtor_id, disputed, dispute_reason, status, type, currency, open_minor FROM invoice WHERE invoice_number = ?
            """, arguments: [number]) else {
            throw ControlRefusal("invoice \(number) is not in the ledger")
        }
        return r
    }

    /// Puts a debtor on hold (no reminders), with a reason and an optional last day.
    public static func hold(_ db: Database, debtor key: String, reason: String, until: Day?, by actor: Actor) throws -> ControlOutcome {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw ControlRefusal("a hold needs a reason (--reason)") }
        if let until, until < actor.today { throw ControlRefusal("--until \(until) is in the past") }
        let d = try debtor(db, key)
        if (d[1] as Bool) && (d[2] as String?) == reason && (d[3] as String?) == until?.description {
            return .unchanged("debtor \(key) is on hold")
        }
        try db.execute(sql: "UPDATE debtor SET on_hold = 1, hold_reason = ?, hold_until = ? WHERE id = ?",
                       arguments: [reason, until?.description, d[0] as Int64])
        try ActionJournal.append(db, at: actor.at, who: actor.who, action: "hold", debtorID: d[0],
                                 detail: ["reason": reason, "until": until?.description])
        return .done("debtor \(key) on hold" + (until.map { " until \($0)" } ?? ""))
    }

    /// Takes a debtor off hold.
    public static func release(_ db: Database, debtor key: String, by actor: Actor) throws -> ControlOutcome {
        let d = try debtor(db, key)
        guard d[1] as Bool else { return .unchanged("debtor \(key) is not on hold") }
        try db.execute(sql: "UPDATE debtor SET on_hold = 0, hold_reason = NULL, hold_until = NULL WHERE id = ?", arguments: [d[0] as Int64])
        try ActionJournal.append(db, at: actor.at, who: actor.who, action: "release", debtorID: d[0],
                                 detail: ["reason": d[2] as String?])
        return .done("debtor \(key) released")
    }

    /// Sets the direct-debit (domiciliëring) flag: such a debtor gets no reminders.
    public static func setDirectDebit(_ db: Database, debtor key: String, on: Bool, by actor: Actor) throws -> ControlOutcome {
        let d = try debtor(db, key)
        guard (d[4] as Bool) != on else { return .unchanged("debtor \(key) direct debit is \(on ? "on" : "off")") }
        try db.execute(sql: "UPDATE debtor SET direct_debit = ? WHERE id = ?", arguments: [on, d[0] as Int64])
        try ActionJournal.append(db, at: actor.at, who: actor.who, action: "direct-debit", debtorID: d[0], detail: ["direct_debit": on ? "on" : "off"])
        return .done("debtor \(key) direct debit \(on ? "on" : "off")")
    }

    /// Flags an invoice as disputed (left out of reminders) with a reason.
    public static func dispute(_ db: Database, invoice number: String, reason: String, by actor: Actor) throws -> ControlOutcome {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw ControlRefusal("a dispute needs a reason (--reason)") }
        let i = try invoice(db, number)
        if (i[2] as Bool) && (i[3] as String?) == reason { return .unchanged("invoice \(number) is disputed") }
        try db.execute(sql: "UPDATE invoice SET disputed = 1, dispute_reason = ? WHERE id = ?", arguments: [reason, i[0] as Int64])
        try ActionJournal.append(db, at: actor.at, who: actor.who, action: "dispute", debtorID: i[1], invoiceID: i[0], detail: ["reason": reason])
        return .done("invoice \(number) disputed")
    }

    /// Resolves an invoice's dispute: it is reminded again.
    public static func resolve(_ db: Database, invoice number: String, by actor: Actor) throws -> ControlOutcome {
        let i = try invoice(db, number)
        guard i[2] as Bool else { return .unchanged("invoice \(number) is not disputed") }
        try db.execute(sql: "UPDATE invoice SET disputed = 0, dispute_reason = NULL WHERE id = ?", arguments: [i[0] as Int64])
        try ActionJournal.append(db, at: actor.at, who: actor.who, action: "resolve", debtorID: i[1], invoiceID: i[0],
                                 detail: ["reason": i[3] as String?])
        return .done("invoice \(number) dispute resolved")
    }

    /// Adds a note to a debtor; the same text as the debtor's last note adds nothing.
    public static func addNote(_ db: Database, debtor key: String, text: String, by actor: Actor) throws -> ControlOutcome {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ControlRefusal("the note is empty") }
        let d = try debtor(db, key)
        let last = try String.fetchOne(db, sql: "SELECT text FROM debtor_note WHERE debtor_id = ? ORDER BY id DESC LIMIT 1", arguments: [d[0] as Int64])
        if last == text { return .unchanged("debtor \(key) already has this note") }
        try db.execute(sql: "INSERT INTO debtor_note (debtor_id, at, who, text) VALUES (?, ?, ?, ?)",
                       arguments: [d[0] as Int64, Instant.string(actor.at), actor.who, text])
        try ActionJournal.append(db, at: actor.at, who: actor.who, action: "note", debtorID: d[0], detail: ["note_id": String(db.lastInsertedRowID)])
        return .done("note added to debtor \(key)")
    }
}
