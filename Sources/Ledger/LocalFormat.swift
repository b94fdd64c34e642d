import Foundation

/// Numbers, amounts and dates in the Belgian conventions of a language: the one formatter that
/// letters (Dunning's `Wording`) and reports (HTML, CSV) share.
///
/// nl, fr and de (nl-BE, fr-BE, de-BE) group thousands with `.` and write a decimal comma
/// (`€ 763.481,78`); en keeps `,` and `.` (`€763,481.78`). Dates are `21/11/2026` (nl, fr, en)
/// or `21.11.2026` (de). Amounts come from integer minor units by digit manipulation only.
package enum LocalFormat {
    /// The languages with their own conventions; anything else is formatted as English.
    package static let languages = ["nl", "fr", "de", "en"]

    /// The group and decimal separators of `language`.
    package static func separators(_ language: String) -> (group: String, decimal: String) {
        language == "nl" || language == "fr" || language == "de" ? (".", ",") : (",", ".")
    }

    /// `763.481,78` (nl, fr, de) or `763,481.78` (en); `-` in front of a negative amount.
    package static func number(minor: Int64, digits: Int, language: String) -> String {
        (minor < 0 ? "-" : "") + unsigned(minor.magnitude, digits: digits, language: language)
    }

    /// The magnitude `minor` with `digits` decimals, grouped as in ``number(minor:digits:language:)``,
    /// written as ASCII bytes (issue 17, tenth round: the statement's amounts went a `Character` at a
    /// time; the same text as grouping ``Money/decimalString(minorUnits:digits:)``'s whole part).
    static func unsigned(_ magnitude: UInt64, digits: Int, language: String) -> String {
        let european = language == "nl" || language == "fr" || language == "de"
        let group: UInt8 = european ? UInt8(ascii: ".") : UInt8(ascii: ",")
        let decimal: UInt8 = european ? UInt8(ascii: ",") : UInt8(ascii: ".")
        var scale: UInt64 = 1
        if digits > 0 { for _ in 0..<digits { scale *= 10 } }
        // The whole part's digits, least significant first, then the fraction's.
        var whole: [UInt8] = []
        whole.reserveCapacity(20)
        var w = magnitude / scale
        repeat {
            whole.append(UInt8(ascii: "0") + UInt8(w % 10))
            w /= 10
        } while w > 0
        var out: [UInt8] = []
        out.reserveCapacity(whole.count + whole.count / 3 + max(0, digits) + 1)
        for i in stride(from: whole.count - 1, through: 0, by: -1) {
            out.append(whole[i])
            if i > 0 && i % 3 == 0 { out.append(group) }
        }
        if digits > 0 {
            out.append(decimal)
            var frac = magnitude % scale
            let start = out.count
            for _ in 0..<digits {
                out.append(UInt8(ascii: "0") + UInt8(frac % 10))
                frac /= 10
            }
            out[start...].reverse()
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A canonical decimal text (`41.3`, `-1234.56`) with the language's decimal separator, ungrouped.
    package static func decimal(_ canonical: String, language: String) -> String {
        separators(language).decimal == "," ? canonical.replacingOccurrences(of: ".", with: ",") : canonical
    }

    /// `€` for euros, the ISO code otherwise.
    package static func symbol(_ currency: Currency) -> String { currency == .eur ? "€" : currency.code }

    /// An amount as a letter prints it: `€ 1.234,56` (nl, fr, de), `€1,234.56` (en), `USD 1,234.56`,
    /// with a minus sign (U+2212) before the symbol.
    package static func money(_ m: Money, language: String) -> String {
        let number = unsigned(m.minorUnits.magnitude, digits: m.currency.minorDigits, language: language)
        let sign = m.isNegative ? "−" : ""
        let english = !(language == "nl" || language == "fr" || language == "de")
        return english && m.currency == .eur ? "\(sign)€\(number)" : "\(sign)\(symbol(m.currency)) \(number)"
    }

    /// `21/11/2026` (nl, fr, en) or `21.11.2026` (de).
    package static func short(_ d: Day, language: String) -> String {
        let c = d.components
        let sep = language == "de" ? "." : "/"
        return pad(c.day, 2) + sep + pad(c.month, 2) + sep + pad(c.year, 4)
    }

    /// `21 november 2026`, `21 novembre 2026`, `21. November 2026`, `21 November 2026`.
    package static func long(_ d: Day, language: String) -> String {
        let c = d.components
        return "\(c.day)\(language == "de" ? "." : "") \(monthNames(language)[c.month - 1]) \(c.year)"
    }

    /// The month names of `language` (English for anything else).
    package static func monthNames(_ language: String) -> [String] {
        switch language {
        case "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"]
        case "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]
        case "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"]
        default: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        }
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
