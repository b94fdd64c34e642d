/// A syntactically plausible e-mail address: one `@`, a local part of 1 to 64 bytes that neither
/// starts nor ends with a dot, a domain with a dot, no empty dot-separated part, at most 254 bytes.
///
/// No spaces of any kind, no control or invisible format characters (so it can never smuggle a
/// header line or hide a second address), and none of `<>,;"`. Non-ASCII letters are allowed
/// (internationalised addresses). Nothing is trimmed or case-folded: the value is the text given.
package struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address exactly as given.
    package let value: String

    /// Parses and validates; nil when the text is not usable as an address.
    package init?(_ text: some StringProtocol) {
        let s = String(text)
        let u = Array(s.utf8)
        guard !u.isEmpty, u.count <= 254, s.unicodeScalars.allSatisfy(EmailAddress.isAllowed),
            let at = u.firstIndex(of: UInt8(ascii: "@")), at == u.lastIndex(of: UInt8(ascii: "@")),
            at > 0, at <= 64, at < u.count - 1
        else { return nil }
        let dot = UInt8(ascii: ".")
        let local = u[..<at]
        let domain = u[(at + 1)...]
        guard local.first != dot, local.last != dot,
            domain.contains(dot), domain.first != dot, domain.last != dot,
            !zip(u, u.dropFirst()).contains(where: { $0 == dot && $1 == dot })
        else { return nil }
        self.value = s
    }

    /// Printable, not a space, not invisible, and not one of the characters that delimit
    /// addresses in a header.
    static func isAllowed(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII {
            return c.value > 32 && c.value != 127 && !"<>,;\"".unicodeScalars.contains(c)
        }
        switch c.properties.generalCategory {
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator,
            .privateUse, .surrogate, .unassigned:
            return false
        default:
            return true
        }
    }

    /// The address.
    package var description: String { value }
}
