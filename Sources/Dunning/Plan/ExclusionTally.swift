import Foundation
import GRDB
import Ledger
import Store

/// What kept overdue money out of a night's reminders, by reason and currency: the planner's
/// decisions, counted as the dunning run makes them and stored in `dunning_exclusion` (one set of
/// rows per as-of day, replaced by a rerun), so the dunning report can show them the next morning.
///
/// Only overdue open invoices count (due before the as-of day, something still open): a debtor on
/// hold with nothing late is not "left out" of anything.
package struct ExclusionTally: Sendable, Equatable {
    /// Why, as the report prints it: an `Exclusion`'s text, or `amounts not computed`.
    package struct Key: Hashable, Sendable, Comparable {
        package var reason: String
        /// `debtor`: the whole debtor was left out; `invoice`: single invoices of a reminded debtor.
        package var level: DunningExclusionLevel
        package var currency: String

        package static func < (a: Key, b: Key) -> Bool {
            (a.level, a.reason, a.currency) < (b.level, b.reason, b.currency)
        }
    }

    package struct Count: Sendable, Equatable {
        package var debtors = 0
        package var items = 0
        package var amountMinor: Int64 = 0
    }

    package static let notComputed = "amounts not computed"

    package private(set) var counts: [Key: Count] = [:]

    package init() {}

    /// Counts one debtor's plan.
    /// One pass over the plan's items (it runs for every debtor of the night).
    mutating func add(_ plan: DebtorPlan, asOf: Day) {
        var wholeDebtor: String? = nil
        if case .excluded(let why) = plan.action { wholeDebtor = why.rawValue }
        var counted: [Key] = []  // the debtor counts once per key
        for p in plan.items where !p.item.isCreditNote && p.item.open.isPositive && p.item.due < asOf {
            guard let reason = wholeDebtor ?? p.excluded?.rawValue else { continue }
            let key = Key(reason: reason, level: wholeDebtor == nil ? .invoice : .debtor, currency: p.item.open.currency.code)
            var c = counts[key, default: Count()]
            if !counted.contains(key) {
                counted.append(key)
                c.debtors += 1
            }
            c.items += 1
            c.amountMinor += p.item.open.minorUnits
            counts[key] = c
        }
    }

    /// A debtor whose amounts could not be computed (e.g. no legal interest rate for the day).
    mutating func addNotComputed(currency: String, reason: String = Self.notComputed) {
        counts[Key(reason: reason, level: .debtor, currency: currency), default: Count()].debtors += 1
    }

    /// Replaces the day's rows in `dunning_exclusion`.
    package func save(_ db: Database, asOf: Day) throws {
        try DunningCommands.replaceExclusions(db, on: asOf, counts.sorted(by: { $0.key < $1.key }).map { k, c in
            DunningExclusionRecord(asOf: asOf, reason: k.reason, level: k.level, currency: k.currency, debtors: c.debtors,
                                   items: c.items, amountMinor: c.amountMinor)
        })
    }
}
