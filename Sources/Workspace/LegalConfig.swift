import Foundation
import TOMLKit

/// The `[legal]` section of `relance.toml`: what the creditor's terms allow it to claim.
///
/// ```toml
/// [legal]
/// b2b_contract_rate = "8.00"     # contractual B2B rate replacing the statutory one (never public authorities)
/// b2c_damages_clause = false     # true only when the terms given to consumers contain a damages clause
/// b2c_contract_rate = "8.00"     # consumers' contractual rate, capped at the 2002-law rate; absent: no interest
/// b2c_damages_basis = "balance"  # cap consumers' flat damages on the reminded balance, or per "invoice"
/// ```
package struct LegalConfig: Sendable, Equatable {
    /// Where a consumer's flat damages are capped.
    package enum DamagesBasis: String, Sendable, CaseIterable {
        case balance, invoice
    }

    /// A contractual B2B rate in percent (law of 2 August 2002, art. 5); nil: the statutory rate.
    package var b2bContractRate: Decimal?
    /// The consumer terms contain a damages clause (Book XIX, art. XIX.4): without one, no flat damages.
    package var b2cDamagesClause = false
    /// The consumer terms' contractual rate in percent, capped at the 2002-law rate; nil: no interest.
    package var b2cContractRate: Decimal?
    /// Cap consumers' flat damages on the reminded balance (default) or per invoice.
    package var b2cDamagesBasis = DamagesBasis.balance

    /// The defaults: statutory B2B rate; from consumers neither damages nor interest.
    package init() {}

    /// Reads a rate in percent written as a string: above 0, under 100, at most two decimals.
    static func rate(_ v: any TOMLValueConvertible, _ key: String, fail: (String, String) -> Void) -> Decimal? {
        guard let s = v.string else { fail(key, "expected a rate in percent as a string, e.g. \"8.00\""); return nil }
        let t = s.trimmingCharacters(in: .whitespaces)
        let digits = t.split(separator: ".", omittingEmptySubsequences: false)
        guard !t.isEmpty, digits.count <= 2, digits.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let d = Decimal(string: t, locale: Locale(identifier: "en_US_POSIX")) else {
            fail(key, "expected a rate in percent as a string, e.g. \"8.00\", found \"\(s)\""); return nil
        }
        if digits.count == 2, digits[1].count > 2 { fail(key, "at most two decimals, found \"\(s)\""); return nil }
        guard d > 0, d < 100 else { fail(key, "a rate must be above 0 and under 100 percent, found \"\(s)\""); return nil }
        return d
    }

    /// Reads `[legal]`, reporting each problem through `fail(keyPath, message)`.
    static func parse(_ t: TOMLTable, fail: (String, String) -> Void) -> LegalConfig {
        var c = LegalConfig()
        for (k, v) in t {
            switch k {
            case "b2b_contract_rate": c.b2bContractRate = rate(v, "legal.b2b_contract_rate", fail: fail)
            case "b2c_contract_rate": c.b2cContractRate = rate(v, "legal.b2c_contract_rate", fail: fail)
            case "b2c_damages_clause":
                if let b = v.bool { c.b2cDamagesClause = b } else { fail("legal.b2c_damages_clause", "expected true or false") }
            case "b2c_damages_basis":
                if let s = v.string, let b = DamagesBasis(rawValue: s) { c.b2cDamagesBasis = b } else {
                    fail("legal.b2c_damages_basis", "must be \"balance\" or \"invoice\"")
                }
            default: fail("legal.\(k)", "unknown key")
            }
        }
        return c
    }
}
