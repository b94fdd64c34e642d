/// An International Bank Account Number, validated by ISO 13616 (MOD 97-10), by the country's
/// length where known, and for Belgium by the national check digits of the BBAN.
package struct IBAN: Sendable, Hashable, CustomStringConvertible {
    /// Electronic form: upper-case, no spaces (`BE68539007547034`).
    package let value: String

    /// Why a text is not a valid IBAN.
    package enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// Not two letters, two digits and up to 30 letters or digits.
        case format
        /// The wrong length for the country's IBANs.
        case length(country: String, expected: Int, found: Int)
        /// The mod 97 check fails, or the check digits are outside 02–98.
        case checkDigits
        /// A Belgian IBAN whose account number fails its own check digits.
        case belgianNationalCheck

        /// A message for a diagnostic.
        package var description: String {
            switch self {
            case .format: "an IBAN is two letters, two check digits and up to 30 letters or digits"
            case .length(let c, let e, let f): "a \(c) IBAN has \(e) characters, found \(f)"
            case .checkDigits: "the IBAN fails its mod 97 check"
            case .belgianNationalCheck: "the Belgian account number fails its national check digits"
            }
        }
    }

    /// Lengths of IBANs for SEPA countries (ISO 13616 registry).
    static let lengths: [String: Int] = [
        "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
        "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28,
        "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31,
        "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
        "VA": 22,
    ]

    /// Parses and validates (spaces ignored, case-insensitive).
    package init(parsing text: some StringProtocol) throws(Problem) {
        let s = asciiUppercased(text, droppingSpaces: true)
        let u = Array(s.utf8)
        guard u.count >= 5, u.count <= 34, isUpper(u[0]), isUpper(u[1]), isDigit(u[2]), isDigit(u[3]),
            u.allSatisfy({ isDigit($0) || isUpper($0) })
        else { throw .format }
        let country = String(s.prefix(2))
        if let expected = IBAN.lengths[country], expected != u.count {
            throw .length(country: country, expected: expected, found: u.count)
        }
        // Check digits are 02–98; 00, 01 and 99 pass mod 97 when their twin 97 apart does.
        guard (2...98).contains(Int(u[2] - 48) * 10 + Int(u[3] - 48)), mod97(s.dropFirst(4) + s.prefix(4)) == 1 else {
            throw .checkDigits
        }
        if country == "BE" {
            let bban = s.dropFirst(4)
            let r = mod97(bban.prefix(10)) ?? -1
            guard Int(bban.suffix(2)) == (r == 0 ? 97 : r) else { throw .belgianNationalCheck }
        }
        self.value = s
    }

    /// The country code.
    package var country: String { String(value.prefix(2)) }

    /// Groups of four for print: `BE68 5390 0754 7034`.
    package var formatted: String { value.grouped(by: 4) }

    /// The electronic form, `BE68539007547034`.
    package var description: String { value }
}
