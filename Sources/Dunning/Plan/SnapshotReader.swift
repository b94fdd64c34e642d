import Foundation
import GRDB
import Ledger

/// Reads debtor snapshots from the ledger, one debtor at a time, streaming the open items in
/// debtor order (constant memory in the number of debtors).
public struct SnapshotReader {
    let db: Database

    public init(db: Database) { self.db = db }

    /// Calls `body` with each debtor that has an open invoice or credit note.
    public func forEachDebtor(asOf: Day, only debtor: Int64? = nil, _ body: (DebtorSnapshot) throws -> Void) throws {
        var unapplied: [Int64: Int64] = [:]
        for r in try Row.fetchAll(db, sql: """
            SELECT debtor_id, SUM(unapplied_minor) FROM (
              SELECT DISTINCT p.id, p.unapplied_minor, d.id AS debtor_id FROM payment p JOIN debtor d ON d.debtor_key = p.debtor_key
              WHERE p.unapplied_minor > 0
              UNION
              SELECT DISTINCT p.id, p.unapplied_minor, i.debtor_id FROM payment p JOIN payment_allocation a ON a.payment_id = p.id
                JOIN invoice i ON i.id = a.invoice_id WHERE p.unapplied_minor > 0
            ) GROUP BY debtor_id
            """) { unapplied[r[0]] = r[1] }
        // Open promises pause the ladder until their date plus the grace days (`pause_until`); a broken
        // promise not yet followed by a reminder puts the debtor on the worklist (see Ingest's `Promises`).
        var promises: [Int64: String] = [:], broken: [Int64: String] = [:]
        for r in try Row.fetchAll(db, sql: """
            SELECT debtor_id, MAX(COALESCE(pause_until, until)) FROM promise_to_pay WHERE status = 'open' GROUP BY debtor_id
            """) { promises[r[0]] = r[1] }
        for r in try Row.fetchAll(db, sql: """
            SELECT p.debtor_id, MAX(p.until) FROM promise_to_pay p WHERE p.status = 'broken' AND NOT EXISTS (
              SELECT 1 FROM dunning_event e WHERE e.debtor_id = p.debtor_id AND e.as_of >= p.status_on AND e.status <> 'cancelled')
            GROUP BY p.debtor_id
            """) { broken[r[0]] = r[1] }
        // The last message: written and not cancelled, or a letter (which may have been posted before a cancel).
        var lastMessage: [Int64: String] = [:]
        for r in try Row.fetchAll(db, sql: """
            SELECT debtor_id, MAX(as_of) FROM dunning_event
            WHERE as_of < ? AND (status IN ('queued', 'held') OR (status = 'cancelled' AND document_path IS NOT NULL))
            \(debtor == nil ? "" : "AND debtor_id = ?") GROUP BY debtor_id
            """, arguments: StatementArguments([asOf.description] + (debtor.map { [$0] } ?? []))) { lastMessage[r[0]] = r[1] }
        let rows = try Row.fetchCursor(db, sql: """
            SELECT d.id, d.debtor_key, d.name, d.kind, d.language, d.on_hold = 1 AND (d.hold_until IS NULL OR d.hold_until >= ?), d.direct_debit, d.email IS NOT NULL,
              (d.street IS NOT NULL AND d.city IS NOT NULL),
              i.id, i.invoice_number, i.type, i.issue_date, i.due_date, i.currency, i.amount_minor, i.open_minor, i.disputed,
              i.on_hold, i.description, s.step_index, s.last_reminder, s.first_reminder, s.first_channel,
              d.email, d.street, d.postal_code, d.city, d.country, d.interest_rate_percent, d.public_authority
            FROM invoice i JOIN debtor d ON d.id = i.debtor_id LEFT JOIN dunning_state s ON s.invoice_id = i.id
            WHERE i.status = 'open' \(debtor == nil ? "" : "AND i.debtor_id = ?") ORDER BY i.debtor_id, i.due_date, i.id
            """, arguments: debtor.map { [asOf.description, $0] } ?? [asOf.description])
        var current: DebtorSnapshot? = nil
        while let r = try rows.next() {
            let debtorID: Int64 = r[0]
            if current?.id != debtorID {
                if let c = current { try body(c) }
                let cur = Currency(code: r[14] as String) ?? .eur
                current = DebtorSnapshot(
                    id: debtorID, key: r[1], name: r[2], kind: DebtorKind(rawValue: r[3]) ?? .b2b, language: r[4], onHold: r[5],
                    directDebit: r[6], hasEmail: r[7], hasPostalAddress: r[8], promisedUntil: (promises[debtorID]).flatMap { Day(iso: $0) },
                    items: [], unapplied: Money(minorUnits: unapplied[debtorID] ?? 0, currency: cur))
                current?.brokenPromise = broken[debtorID].flatMap { Day(iso: $0) }
                current?.email = r[24]
                current?.lastMessage = lastMessage[debtorID].flatMap { Day(iso: $0) }
                current?.contractRate = (r[29] as String?).flatMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) }
                current?.publicAuthority = r[30]
                current?.addressLines = Self.addressLines(street: r[25], postalCode: r[26], city: r[27], country: r[28])
            }
            let cur = Currency(code: r[14] as String) ?? .eur
            guard let issue = Day(iso: r[12] as String), let due = Day(iso: r[13] as String) else { continue }
            current?.items.append(OpenItem(
                invoiceID: r[9], number: r[10], isCreditNote: (r[11] as String) == "credit_note", issue: issue, due: due,
                amount: Money(minorUnits: r[15], currency: cur), open: Money(minorUnits: r[16], currency: cur), disputed: r[17],
                onHold: r[18], description: r[19], stepIndex: r[20], lastReminder: (r[21] as String?).flatMap { Day(iso: $0) },
                firstReminder: (r[22] as String?).flatMap { Day(iso: $0) },
                firstReminderChannel: (r[23] as String?).flatMap { ReminderChannel(rawValue: $0) }))
        }
        if let c = current { try body(c) }
    }

    /// The lines of a postal address under the name; the country only when it is not Belgium.
    static func addressLines(street: String?, postalCode: String?, city: String?, country: String?) -> [String] {
        var lines: [String] = []
        if let street, !street.isEmpty { lines.append(street) }
        let town = [postalCode, city].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        if !town.isEmpty { lines.append(town) }
        if let country, !country.isEmpty, country != "BE" { lines.append(Self.countryNames[country] ?? country) }
        return lines
    }

    /// Country names as Belgian post expects them on an envelope (in capitals, French or English).
    static let countryNames = ["NL": "PAYS-BAS / NEDERLAND", "FR": "FRANCE", "DE": "ALLEMAGNE / DEUTSCHLAND",
                               "LU": "LUXEMBOURG", "GB": "UNITED KINGDOM", "IT": "ITALIE", "ES": "ESPAGNE", "PL": "POLOGNE",
                               "TR": "TURQUIE"]
}
