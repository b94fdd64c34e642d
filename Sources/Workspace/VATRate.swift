import Foundation

/// A VAT rate in percent, read once at validation: the text as written (`21`, `5.5`), which invoices
/// print and the database keeps, and its value as a `Decimal`, which the arithmetic uses.
///
/// A text that is not a rate has no `VATRate`: `[billing] vat_rate` fails the load (78) and a
/// contract's own rate is a rejected row, so no stage ever falls back to 21 % in silence.
package struct VATRate: Sendable, Hashable, CustomStringConvertible {
    /// The rate as written, with a point for decimals (`21`, `5.5`, `0`).
    package let text: String
    /// The rate in percent (`21` for 21 %).
    package let percent: Decimal

    /// The Belgian standard rate, 21 %, the default of `[billing] vat_rate`.
    package static let standard = VATRate(text: "21", percent: 21)

    private init(text: String, percent: Decimal) {
        self.text = text
        self.percent = percent
    }

    /// A rate from digits with at most one point inside (`21`, `6`, `5.5`), from 0 to 100; nil for
    /// anything else (a comma, a sign, a percent sign, an exponent, an empty text).
    package init?(_ text: String) {
        guard !text.isEmpty, text.count <= 30, text.first != ".", text.last != ".",
            text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), text.filter({ $0 == "." }).count <= 1,
            let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), value >= 0, value <= 100
        else { return nil }
        self.init(text: text, percent: value)
    }

    /// The text as written.
    package var description: String { text }
}
