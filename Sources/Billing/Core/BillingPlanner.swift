import Foundation
import Ledger
import Store
import Workspace

/// A contract as the billing run sees it, with its debtor's language.
package struct ContractSnapshot: Sendable {
    package var id: Int64
    package var key: String
    package var debtorID: Int64
    package var debtorKey: String
    package var language: String
    package var plan: String
    /// The price in force.
    package var price: Money
    package var activation: Day
    package var priceAdjustedOn: Day
    package var series: String?
    package var billingDay: Int?
    package var terms: Int
    package var floor: Bool
    /// `active`, `suspended` or `terminated`, as the contracts file says.
    package var status: ContractStatus
    package var end: Day?
    /// Suspended by Billing for non-payment.
    package var suspendedOn: Day?
    package var reactivationFeeDue: Bool
    /// The contract's own VAT rate (`6`, `0`), nil for `[billing] vat_rate`.
    package var vatRate: VATRate?
    /// The exemption reason code of a 0 % rate (`VATEX-EU-AE`).
    package var vatExemption: String?

    /// A snapshot; every field given.
    package init(id: Int64, key: String, debtorID: Int64, debtorKey: String, language: String, plan: String, price: Money,
                activation: Day, priceAdjustedOn: Day, series: String?, billingDay: Int?, terms: Int, floor: Bool,
                status: ContractStatus, end: Day?, suspendedOn: Day?, reactivationFeeDue: Bool, vatRate: VATRate? = nil,
                vatExemption: String? = nil) {
        self.vatRate = vatRate
        self.vatExemption = vatExemption
        self.id = id
        self.key = key
        self.debtorID = debtorID
        self.debtorKey = debtorKey
        self.language = language
        self.plan = plan
        self.price = price
        self.activation = activation
        self.priceAdjustedOn = priceAdjustedOn
        self.series = series
        self.billingDay = billingDay
        self.terms = terms
        self.floor = floor
        self.status = status
        self.end = end
        self.suspendedOn = suspendedOn
        self.reactivationFeeDue = reactivationFeeDue
    }
}

/// A usage row not yet billed.
package struct UsageItem: Sendable {
    package var id: Int64
    package var month: Month
    package var item: String
    package var quantity: Decimal
    /// In major units of the contract's currency; may be below the cent (`0.085`).
    package var unitPrice: Decimal

    package init(id: Int64, month: Month, item: String, quantity: Decimal, unitPrice: Decimal) {
        self.id = id
        self.month = month
        self.item = item
        self.quantity = quantity
        self.unitPrice = unitPrice
    }
}

/// One line of an invoice about to be written.
package struct DraftLine: Sendable {
    package var kind: BillingLineKind
    package var description: String
    package var serviceMonth: Month
    package var quantity: Decimal
    /// In major units; may be below the cent for usage.
    package var unitPrice: Decimal
    /// `quantity × unit price`, rounded once.
    package var net: Money
    /// The line's rate, as configured (`21`).
    package var vatRate: VATRate
    /// `net × rate / 100`, rounded once per line.
    package var vat: Money
    package var indexation: Indexation?
    package var usageID: Int64?
    /// The exemption reason code when the rate is 0 (`VATEX-EU-AE`).
    package var vatExemption: String? = nil
}

/// An invoice about to be written: everything but its number, which the write takes from the sequence.
package struct DraftInvoice: Sendable {
    package var contract: ContractSnapshot
    package var period: Month
    package var issue: Day
    package var due: Day
    package var lines: [DraftLine]
    package var net: Money
    package var vat: Money
    package var total: Money
    /// The subscription line's indexation, when the price was indexed.
    package var indexation: Indexation? { lines.first { $0.indexation != nil }?.indexation }
    package var chargesReactivationFee: Bool { lines.contains { $0.kind == .fee } }
}

/// The billing rules the planner applies, from `[billing]`.
package struct BillingRules: Sendable {
    /// `[billing] vat_rate`, for contracts that name no rate of their own.
    package var vatRate = VATRate.standard
    package var indexationMonth = 1
    package var billingDay = 1
    package var reactivationFeeMinor: Int64 = 10_000

    package init() {}
}

/// The billing decision for one contract and one period, as a pure function.
///
/// - Subscription fees are billed monthly in advance: the invoice of period P carries month P,
///   in full when the contract is active for any day of it (no proration); none before the
///   activation month, none after the month of the end date.
/// - Usage is billed in arrears: every unbilled usage row of a month before P.
/// - In the indexation month the price is indexed first when the contract follows a series and its
///   price was set before the indexation date (`Agoria`).
/// - A contract suspended (by the file, or by Billing for non-payment) gets no invoice.
/// - The first invoice after a reactivation carries the reactivation fee.
package enum BillingPlanner {
    /// True when the contract's subscription runs during `period` and it is not suspended.
    package static func bills(_ c: ContractSnapshot, in period: Month) -> Bool {
        guard c.activation <= period.lastDay else { return false }
        if let end = c.end, end < period.firstDay { return false }
        if c.status == .terminated && c.end == nil { return false }
        return c.status != .suspended && c.suspendedOn == nil
    }

    /// The indexation date that applies to a run of `period`, when `period` is the indexation month.
    package static func indexationDate(for period: Month, rules: BillingRules) -> Day? {
        period.month == rules.indexationMonth ? period.firstDay : nil
    }

    /// The invoice of `period` for a contract, or nil when it gets none (or it would be zero).
    /// - Throws: ``IndexationFailure`` naming the index months the series lacks.
    package static func draft(
        _ c: ContractSnapshot, period: Month, usage: [UsageItem], index: IndexTable, rules: BillingRules
    ) throws(IndexationFailure) -> DraftInvoice? {
        guard bills(c, in: period) else { return nil }
        let texts = InvoiceTexts(language: c.language)
        let rate = c.vatRate ?? rules.vatRate
        func vat(_ net: Money) -> Money { BillingRounding.round(BillingRounding.decimal(net) * rate.percent / 100, net.currency) }
        var price = c.price
        var indexation: Indexation? = nil
        if let series = c.series, let date = indexationDate(for: period, rules: rules), c.priceAdjustedOn < date {
            let i = try Agoria.index(price: c.price, priceAdjustedOn: c.priceAdjustedOn, indexationDate: date, series: series,
                                     floor: c.floor, table: index)
            indexation = i
            price = i.newPrice
        }
        var lines = [DraftLine(kind: .subscription, description: "\(texts.subscription) \(c.plan)", serviceMonth: period,
                               quantity: 1, unitPrice: BillingRounding.decimal(price), net: price, vatRate: rate, vat: vat(price),
                               indexation: indexation, usageID: nil)]
        for u in usage.sorted(by: { ($0.month, $0.item) < ($1.month, $1.item) }) where u.month < period {
            let net = BillingRounding.round(u.unitPrice * u.quantity, c.price.currency)
            lines.append(DraftLine(kind: .usage, description: u.item, serviceMonth: u.month, quantity: u.quantity,
                                   unitPrice: u.unitPrice, net: net, vatRate: rate, vat: vat(net), indexation: nil,
                                   usageID: u.id))
        }
        if c.reactivationFeeDue {
            let fee = Money(minorUnits: rules.reactivationFeeMinor, currency: c.price.currency)
            lines.append(DraftLine(kind: .fee, description: texts.reactivationFee, serviceMonth: period, quantity: 1,
                                   unitPrice: BillingRounding.decimal(fee), net: fee, vatRate: rate, vat: vat(fee), indexation: nil, usageID: nil))
        }
        for i in lines.indices { lines[i].vatExemption = c.vatExemption }
        let net = lines.reduce(Int64(0)) { $0 + $1.net.minorUnits }
        let tax = BillingPlanner.vatTotal(lines, currency: c.price.currency)
        guard net + tax > 0 else { return nil }
        let issue = max(period.day(c.billingDay ?? rules.billingDay), c.activation)
        let currency = c.price.currency
        return DraftInvoice(contract: c, period: period, issue: issue, due: issue.adding(days: c.terms), lines: lines,
                            net: Money(minorUnits: net, currency: currency), vat: Money(minorUnits: tax, currency: currency),
                            total: Money(minorUnits: net + tax, currency: currency))
    }
}

extension BillingPlanner {
    /// An invoice's VAT: per rate, the rate applied to the sum of the lines at that rate, rounded
    /// once (EN 16931 BT-117, BR-CO-17), then summed. The lines' own VAT amounts are shown on the
    /// PDF and may differ from it by a cent or so when there are many lines.
    package static func vatTotal(_ lines: [DraftLine], currency: Currency) -> Int64 {
        var base: [VATRate: Int64] = [:]
        for l in lines { base[l.vatRate, default: 0] += l.net.minorUnits }
        return base.keys.sorted { $0.text < $1.text }.reduce(Int64(0)) { sum, rate in
            sum + BillingRounding.round(BillingRounding.decimal(Money(minorUnits: base[rate] ?? 0, currency: currency)) * rate.percent / 100,
                                        currency).minorUnits
        }
    }
}

/// Invoice numbers and their structured communications.
package struct InvoiceNumbering: Sendable {
    package var prefix = "F"
    package var digits = 6
    package var perYear = true

    package init(prefix: String = "F", digits: Int = 6, perYear: Bool = true) {
        self.prefix = prefix
        self.digits = digits
        self.perYear = perYear
    }

    /// The sequence a period's invoices take their numbers from (`F2027`, or `F` for one sequence).
    package func sequence(for period: Month) -> String { perYear ? prefix + String(period.year) : prefix }

    /// `F2027-000123` (per year) or `F000123`.
    package func number(_ value: Int64, period: Month) -> String {
        let v = String(value)
        let padded = String(repeating: "0", count: max(0, digits - v.count)) + v
        return perYear ? "\(prefix)\(period.year)-\(padded)" : prefix + padded
    }

    /// The structured communication derived from the invoice number: the year's last two digits
    /// and the sequence value on eight digits (or the value on ten digits without yearly sequences),
    /// then the mod-97 check digits. Unique per invoice while a year stays under 10^8 invoices.
    package func reference(_ value: Int64, period: Month) -> StructuredReference {
        let v = String(value % 100_000_000)
        let yy = String(period.year % 100)
        let base = perYear
            ? String(repeating: "0", count: 2 - yy.count) + yy + String(repeating: "0", count: 8 - v.count) + v
            : String(repeating: "0", count: max(0, 10 - String(value).count)) + String(value % 10_000_000_000)
        return StructuredReference(base: base)!
    }
}
