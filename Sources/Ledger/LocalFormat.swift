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
        let (group, decimal) = separators(language)
        let plain = Money.decimalString(minorUnits: minor, digits: digits)
        let negative = plain.hasPrefix("-")
        let body = negative ? String(plain.dropFirst()) : plain
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = Array(parts[0])
        var out = ""
        for (i, c) in whole.enumerated() {
            if i > 0 && (whole.count - i) % 3 == 0 { out += group }
            out.append(c)
        }
        if parts.count == 2 { out += decimal + parts[1] }
        return (negative ? "-" : "") + out
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
        let signed = number(minor: m.minorUnits, digits: m.currency.minorDigits, language: language)
        let number = signed.hasPrefix("-") ? String(signed.dropFirst()) : signed
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
