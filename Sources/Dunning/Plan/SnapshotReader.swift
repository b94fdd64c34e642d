import Foundation
import GRDB
import Ledger
import Store

/// Reads debtor snapshots from the ledger, one debtor at a time, streaming the open items in
/// debtor order (constant memory in the number of debtors).
package struct SnapshotReader {
    let db: Database

    package init(db: Database) { self.db = db }

    /// Calls `body` with each debtor that has an open invoice or credit note.
    ///
    /// The walk of the whole ledger leaves the items' descriptions out (only a reminder's text shows
    /// them: `describing` reads them for a debtor who gets one); one debtor's snapshot (`only`, the
    /// preview) has them.
    package func forEachDebtor(asOf: Day, only debtor: Int64? = nil, _ body: (DebtorSnapshot) throws -> Void) throws {
        let unapplied = try DunningQueries.unappliedByDebtor(db)
        // Open promises pause the ladder until their date plus the grace days (`pause_until`); a broken
        // promise not yet followed by a reminder puts the debtor on the worklist (see Ingest's `Promises`).
        let promises = try DunningQueries.openPromisesUntil(db)
        let broken = try DunningQueries.brokenPromisesNotFollowed(db)
        // The last message: written and not cancelled, or a letter (which may have been posted before a cancel).
        let lastMessage = try DunningQueries.lastMessageDays(db, before: asOf, debtor: debtor)
        // A ledger has a currency or two: each code is parsed once, not once per item.
        var currencies = CurrencyCache()
        try DunningQueries.forEachDebtorWithOpenItems(db, asOf: asOf, only: debtor) { d, rows in
            let first = currencies.currency(rows.first?.currency ?? "")
            var snapshot = DebtorSnapshot(
                id: d.id, key: d.key, name: d.name, kind: DebtorKind(rawValue: d.kind) ?? .b2b, language: d.language, onHold: d.onHold,
                directDebit: d.directDebit, hasEmail: d.hasEmail, hasPostalAddress: d.hasPostalAddress, promisedUntil: promises[d.id],
                items: [], unapplied: Money(minorUnits: unapplied[d.id] ?? 0, currency: first))
            snapshot.brokenPromise = broken[d.id]
            snapshot.email = d.email
            snapshot.lastMessage = lastMessage[d.id]
            snapshot.contractRate = d.interestRatePercent.flatMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) }
            snapshot.publicAuthority = d.publicAuthority
            snapshot.addressLines = Self.addressLines(street: d.street, postalCode: d.postalCode, city: d.city, country: d.country)
            snapshot.items.reserveCapacity(rows.count)
            for r in rows {
                guard let issue = r.issue, let due = r.due else { continue }
                let cur = currencies.currency(r.currency)
                snapshot.items.append(OpenItem(
                    invoiceID: r.invoiceID, number: r.number, isCreditNote: r.isCreditNote, issue: issue, due: due,
                    amount: Money(minorUnits: r.amountMinor, currency: cur), open: Money(minorUnits: r.openMinor, currency: cur),
                    disputed: r.disputed, onHold: r.onHold, stepIndex: r.stepIndex,
                    lastReminder: r.lastReminder, firstReminder: r.firstReminder, firstReminderChannel: r.firstChannel))
            }
            if debtor != nil { try Self.describe(db, &snapshot.items) }
            try body(snapshot)
        }
    }

    /// `plan` with its items' descriptions, read by primary key (the walk leaves them out): for a
    /// debtor whose reminder is written, read in the walk's transaction.
    package func describing(_ plan: DebtorPlan) throws -> DebtorPlan {
        var plan = plan
        let descriptions = try Self.describe(db, &plan.debtor.items)
        for i in plan.items.indices { plan.items[i].item.description = descriptions[plan.items[i].item.invoiceID] }
        return plan
    }

    /// Sets the descriptions of `items` (one debtor's), read by primary key; returns them by invoice id.
    @discardableResult
    static func describe(_ db: Database, _ items: inout [OpenItem]) throws -> [Int64: String] {
        let descriptions = try DunningQueries.openItemDescriptions(db, ids: items.map(\.invoiceID))
        for i in items.indices { items[i].description = descriptions[items[i].invoiceID] }
        return descriptions
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

/// `Currency(stored:)` with the last codes remembered (the planner reads ~1M items a night).
struct CurrencyCache {
    private var known: [String: Currency] = [:]

    /// The currency of `code`, EUR when the code is not one (see `Currency(stored:)`).
    mutating func currency(_ code: String) -> Currency {
        if let c = known[code] { return c }
        let c = Currency(stored: code)
        if known.count < 64 { known[code] = c }
        return c
    }
}
