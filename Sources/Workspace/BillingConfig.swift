import Foundation
import TOMLKit

/// The `[billing]` section of `relance.toml`: invoice numbering, VAT, indexation and suspension.
///
/// Every key is optional; the defaults follow the subscription terms in `belgian-rules.md` §6
/// (indexation in January, 14 days to pay, €100 to lift a suspension, 15 days after a notice).
package struct BillingConfig: Sendable, Equatable {
    /// Text before the number: `F` gives `F2027-000001`.
    package var numberPrefix = "F"
    /// Digits of the sequence part, zero-padded (4 to 8).
    package var numberDigits = 6
    /// One sequence per calendar year (`F2027-000001`) or one for ever (`F000001`).
    package var numberPerYear = true
    /// VAT rate applied to every line of a contract that names none (`21`), read once at load.
    package var vatRate = VATRate.standard
    /// The month prices are indexed in (1 = January).
    package var indexationMonth = 1
    /// Day of the month invoices are dated, for contracts that do not name one (1–28).
    package var billingDay = 1
    /// Days after an invoice's due date before its contract is flagged as overdue.
    package var suspensionGraceDays = 7
    /// Days after the formal notice before an unpaid contract is suspended.
    package var suspensionNoticeDays = 15
    /// The fee the first invoice after a reactivation carries, in minor units.
    package var reactivationFeeMinor: Int64 = 10_000
    /// Months an indexation notice must precede the indexation date.
    package var noticeLeadMonths = 2
    /// Folder (relative to the workspace) the invoice PDFs go to, one subfolder per period.
    package var invoiceDir = "out/invoices"

    package init() {}

    static let keys: Set<String> = [
        "number_prefix", "number_digits", "number_per_year", "vat_rate", "indexation_month", "billing_day",
        "suspension_grace_days", "suspension_notice_days", "reactivation_fee", "notice_lead_months", "invoice_dir",
    ]

    /// Reads the `[billing]` table, reporting each problem through `fail(keyPath, message)`.
    static func parse(_ t: TOMLTable, fail: (String, String) -> Void) -> BillingConfig {
        var b = BillingConfig()
        func int(_ key: String, _ range: ClosedRange<Int>, into value: inout Int) {
            guard let v = t[key] else { return }
            if let n = v.int, range.contains(n) { value = n } else {
                fail("billing.\(key)", "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
        }
        if let v = t["number_prefix"] {
            if let s = v.string, s.count <= 10, s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
                b.numberPrefix = s
            } else {
                fail("billing.number_prefix", "expected up to 10 ASCII letters, digits or hyphens (it is part of file names)")
            }
        }
        int("number_digits", 4...8, into: &b.numberDigits)
        if let v = t["number_per_year"] {
            if let x = v.bool { b.numberPerYear = x } else { fail("billing.number_per_year", "expected true or false") }
        }
        if let v = t["vat_rate"] {
            let text = v.string ?? v.int.map(String.init) ?? v.double.map { String($0) }
            if let text, let rate = VATRate(text), rate.percent < 100 {
                b.vatRate = rate
            } else {
                fail("billing.vat_rate", "expected a percentage such as \"21\" or \"6\"")
            }
        }
        int("indexation_month", 1...12, into: &b.indexationMonth)
        int("billing_day", 1...28, into: &b.billingDay)
        int("suspension_grace_days", 0...365, into: &b.suspensionGraceDays)
        int("suspension_notice_days", 1...365, into: &b.suspensionNoticeDays)
        int("notice_lead_months", 0...12, into: &b.noticeLeadMonths)
        if let v = t["reactivation_fee"] {
            if let s = v.string, let minor = BillingConfig.minorUnits(s) { b.reactivationFeeMinor = minor } else {
                fail("billing.reactivation_fee", "expected an amount in euros as text, e.g. \"100.00\"")
            }
        }
        if let v = t["invoice_dir"] {
            if let s = v.string, !s.isEmpty { b.invoiceDir = s } else { fail("billing.invoice_dir", "expected a folder") }
        }
        for (k, _) in t where !keys.contains(k) { fail("billing.\(k)", "unknown key") }
        return b
    }

    /// Cents in `100`, `100.5` or `100.00`; nil for anything else (never through a binary float).
    static func minorUnits(_ s: String) -> Int64? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]), whole >= 0, whole < 1_000_000 else { return nil }
        var cents: Int64 = 0
        if parts.count == 2 {
            let f = parts[1]
            guard (1...2).contains(f.count), f.allSatisfy(\.isNumber), let v = Int64(f) else { return nil }
            cents = f.count == 1 ? v * 10 : v
        }
        return whole * 100 + cents
    }
}
