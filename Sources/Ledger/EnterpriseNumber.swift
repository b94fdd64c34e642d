/// A Belgian enterprise number (KBO/BCE), which is also the Belgian VAT number: ten digits with
/// `(first eight + last two) mod 97 == 0`. Old nine-digit numbers get a leading 0.
///
/// Accepts `BE0428.759.497`, `BE 0428 759 497`, `0428759497`, `428759497`. Numbers starting with
/// 1 are accepted (newer KBO numbers; see belgian-rules.md §5.2, UNCONFIRMED).
package struct EnterpriseNumber: Sendable, Hashable, CustomStringConvertible {
    /// The ten digits.
    package let digits: String

    /// Why a text is not a valid enterprise number.
    package enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// Not nine or ten digits after an optional `BE`, with only spaces, dots, dashes or slashes between.
        case format
        /// Ten digits that do not start with 0 or 1.
        case firstDigit
        /// The last two digits are not `97 − (first eight mod 97)`; see ``EnterpriseNumber/checkDigits(head:)``.
        case checkDigits

        /// A message for a diagnostic.
        package var description: String {
            switch self {
            case .format: "a Belgian enterprise/VAT number has 10 digits (BE0123.456.789)"
            case .firstDigit: "a Belgian enterprise number starts with 0 or 1"
            case .checkDigits: "the enterprise number fails its mod 97 check"
            }
        }
    }

    /// Parses and validates.
    package init(parsing text: some StringProtocol) throws(Problem) {
        var s = Substring(asciiUppercased(text, droppingSpaces: false)).trimmingASCIISpaces()
        if s.hasPrefix("BE") { s = s.dropFirst(2) }
        var d = ""
        for ch in s.unicodeScalars {
            if ch == " " || ch == "." || ch == "-" || ch == "/" { continue }
            guard ch.value >= 48, ch.value <= 57 else { throw .format }
            d.unicodeScalars.append(ch)
        }
        if d.count == 9 { d = "0" + d }
        guard d.count == 10 else { throw .format }
        guard d.hasPrefix("0") || d.hasPrefix("1") else { throw .firstDigit }
        guard d.suffix(2) == EnterpriseNumber.checkDigits(head: d.prefix(8)) else { throw .checkDigits }
        self.digits = d
    }

    /// The two check digits for the first eight digits: `97 − (head mod 97)`, so 97 when the head
    /// is a multiple of 97. Non-digits in `head` give a meaningless result; pass eight digits.
    package static func checkDigits(head: some StringProtocol) -> String {
        let c = 97 - (mod97(head) ?? 0)
        return c < 10 ? "0\(c)" : "\(c)"
    }

    /// `0428.759.497`.
    package var formatted: String {
        let a = Array(digits)
        return String(a[0..<4]) + "." + String(a[4..<7]) + "." + String(a[7..<10])
    }

    /// `BE0428759497`, the VAT form.
    package var vatNumber: String { "BE" + digits }

    /// `0428.759.497`.
    package var description: String { formatted }
}
