/// Which character separates the decimals in an export's amounts.
package enum DecimalSeparator: String, Sendable, Hashable, CaseIterable {
    /// `1.234,56`: the Belgian and continental default.
    case comma = ","
    /// `1,234.56`.
    case point = "."
}

/// Why a text is not an amount. The message says what was expected, never guesses, and never
/// repeats the text itself (amounts are personal data; the caller decides whether to show it).
package struct AmountProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, for a diagnostic.
    package let message: String
    /// True when the text is a valid number under one reading and a different one under the other.
    package let ambiguous: Bool

    /// A problem with its message.
    package init(message: String, ambiguous: Bool = false) {
        self.message = message
        self.ambiguous = ambiguous
    }

    /// The message.
    package var description: String { message }
}

/// Reads amounts as accounting exports write them: `1234.56`, `1.234,56`, `1 234,56` (space,
/// no-break space, narrow no-break space or thin space), `1,234.56`, `1'234.50`, `€ 12,50`,
/// `EUR 12.50`, `12,50 EUR`, `-12,50`, `12,50-`, `(12.50)`, `,5`.
///
/// The rules, in order:
/// - Spaces around the amount, one currency marker (`€` or the currency's ISO code, either end)
///   and one sign (leading `-`/`+`/`−`, trailing `-`, or parentheses) are taken off. A marker
///   that names another currency is refused.
/// - What remains is digits and separators. Spaces and apostrophes only ever group thousands.
///   When both `,` and `.` occur, the last one is the decimal separator and must occur once.
///   A separator that occurs twice groups thousands.
/// - A single separator followed by exactly three digits, after one to three digits that do not
///   start with 0 (`1,234`, `12.340`), reads either as a thousands group or as decimals. Unless the
///   caller knows the export's decimal separator, that is an ``AmountProblem`` marked ambiguous,
///   never a silent guess. With a hint, the hint decides, and a text that contradicts it is refused.
/// - Thousands groups use one kind of separator, start with one to three digits and continue in
///   groups of exactly three; the decimals are digits only and at least one.
/// - More decimals than the currency has are refused unless they are zeros: amounts are never
///   rounded on the way in. Amounts of 10^14 minor units or more are refused as too large.
package enum AmountParser {
    /// The largest magnitude accepted, in minor units (just under a trillion euros).
    package static let maximumMinorUnits: Int64 = 99_999_999_999_999

    /// Parses `text` into minor units of `currency`.
    package static func parse(
        _ text: some StringProtocol, currency: Currency, decimal: DecimalSeparator? = nil
    ) -> Result<Money, AmountProblem> {
        parse(utf8: Array(text.utf8), currency: currency, decimal: decimal)
    }

    /// Parses UTF-8 bytes into minor units of `currency`.
    package static func parse(
        utf8 raw: [UInt8], currency: Currency, decimal: DecimalSeparator?
    ) -> Result<Money, AmountProblem> {
        func fail(_ m: String, ambiguous: Bool = false) -> Result<Money, AmountProblem> {
            .failure(AmountProblem(message: m, ambiguous: ambiguous))
        }
        let t = tokens(raw)
        var lo = 0
        var hi = t.count
        func trimSpaces() {
            while lo < hi, t[lo] == .space { lo += 1 }
            while hi > lo, t[hi - 1] == .space { hi -= 1 }
        }
        trimSpaces()
        guard lo < hi else { return fail("empty amount") }

        // Currency marker and sign, at either end, each at most once.
        var sawCurrency = false
        var sign: Token? = nil  // .minus, .plus or .open (parentheses)
        var closed = false
        func currencyProblem(_ named: String) -> AmountProblem? {
            named == currency.code
                ? nil : AmountProblem(message: "amount in \(named) where \(currency.code) was expected", ambiguous: false)
        }
        while true {
            trimSpaces()
            guard lo < hi else { break }
            if !sawCurrency, t[lo] == .euro {
                if let p = currencyProblem("EUR") { return .failure(p) }
                sawCurrency = true
                lo += 1
            } else if !sawCurrency, let code = letterCode(t, at: lo, lo: lo, hi: hi) {
                if let p = currencyProblem(code) { return .failure(p) }
                sawCurrency = true
                lo += 3
            } else if sign == nil, t[lo] == .minus || t[lo] == .plus || t[lo] == .open {
                sign = t[lo]
                lo += 1
            } else {
                break
            }
        }
        while true {
            trimSpaces()
            guard lo < hi else { break }
            if !sawCurrency, t[hi - 1] == .euro {
                if let p = currencyProblem("EUR") { return .failure(p) }
                sawCurrency = true
                hi -= 1
            } else if !sawCurrency, hi - lo >= 3, let code = letterCode(t, at: hi - 3, lo: lo, hi: hi) {
                if let p = currencyProblem(code) { return .failure(p) }
                sawCurrency = true
                hi -= 3
            } else if sign == nil, t[hi - 1] == .minus {
                sign = .minus
                hi -= 1
            } else if sign == .open, !closed, t[hi - 1] == .close {
                closed = true
                hi -= 1
            } else {
                break
            }
        }
        if sign == .open && !closed { return fail("an opening parenthesis without its closing one") }
        let body = t[lo..<hi]
        guard body.contains(where: \.isDigit), body.allSatisfy({ $0.isDigit || $0.isSeparator }) else {
            return fail("not a number")
        }
        // A space may only stand between two digits.
        for i in body.indices where t[i] == .space {
            guard i > lo, i < hi - 1, t[i - 1].isDigit, t[i + 1].isDigit else {
                return fail("thousands separators in the wrong places")
            }
        }

        // Decide which separator, if any, is the decimal separator.
        let commas = body.indices.filter { t[$0] == .comma }
        let points = body.indices.filter { t[$0] == .point }
        var decimalIndex: Int? = nil
        if let lastComma = commas.last, let lastPoint = points.last {
            let last = max(lastComma, lastPoint)
            let kind: DecimalSeparator = t[last] == .comma ? .comma : .point
            if (kind == .comma ? commas : points).count > 1 { return fail("two decimal separators") }
            if let d = decimal, d != kind {
                return fail("uses \(kind.rawValue) as decimal separator but this export uses \(d.rawValue)")
            }
            decimalIndex = last
        } else if !commas.isEmpty || !points.isEmpty {
            let kind: DecimalSeparator = commas.isEmpty ? .point : .comma
            let positions = commas.isEmpty ? points : commas
            if let d = decimal {
                if d == kind {
                    if positions.count > 1 { return fail("two decimal separators") }
                    decimalIndex = positions[0]
                }
            } else if positions.count == 1 {
                // Ambiguous when the whole text also reads as one regular thousands group
                // (a head of 1–3 digits not starting with 0, then exactly three digits).
                if isValidGrouping(body) {
                    return fail(
                        "ambiguous: \(kind.rawValue) followed by three digits can be a thousands separator or decimals; set decimal_separator in a --mapping file",
                        ambiguous: true)
                }
                decimalIndex = positions[0]
            }
        }

        // Split into integer and fraction; only the integer part may carry grouping separators.
        let intPart = t[lo..<(decimalIndex ?? hi)]
        let fracPart = decimalIndex.map { t[($0 + 1)..<hi] } ?? t[hi..<hi]
        if decimalIndex != nil, fracPart.isEmpty { return fail("no digits after the decimal separator") }
        guard fracPart.allSatisfy(\.isDigit) else { return fail("thousands separators in the wrong places") }
        if !intPart.allSatisfy(\.isDigit), !isValidGrouping(intPart) {
            return fail("thousands separators in the wrong places")
        }

        var frac = fracPart.compactMap(\.digitValue)
        while frac.count > currency.minorDigits, frac.last == 0 { frac.removeLast() }
        if frac.count > currency.minorDigits {
            return fail("more than \(currency.minorDigits) decimals for \(currency.code); amounts are not rounded on import")
        }
        while frac.count < currency.minorDigits { frac.append(0) }
        var value: Int64 = 0
        for d in intPart.compactMap(\.digitValue) + frac {
            // value ≤ maximumMinorUnits before each step, so value * 10 + 9 cannot overflow.
            value = value * 10 + Int64(d)
            if value > maximumMinorUnits { return fail("amount too large") }
        }
        let negative = sign == .minus || sign == .open
        return .success(Money(minorUnits: negative ? -value : value, currency: currency))
    }

    /// One character of an amount's text, classified.
    enum Token: Equatable {
        case digit(UInt8)
        case comma, point, apostrophe, space
        case euro, minus, plus, open, close
        case letter(UInt8)
        case other

        var isDigit: Bool { if case .digit = self { true } else { false } }
        var digitValue: UInt8? { if case .digit(let d) = self { d } else { nil } }
        /// A character that may stand between digits: `,` `.` `'` or a space.
        var isSeparator: Bool { self == .comma || self == .point || self == .apostrophe || self == .space }
    }

    /// Classifies UTF-8 bytes. Multi-byte characters the parser knows (no-break, narrow no-break
    /// and thin spaces, `’`, `€`, `−`) become one token; any other byte becomes `.other`.
    static func tokens(_ b: [UInt8]) -> [Token] {
        var out: [Token] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            let c = b[i]
            switch c {
            case 0x30...0x39: out.append(.digit(c - 0x30))
            case 0x2C: out.append(.comma)
            case 0x2E: out.append(.point)
            case 0x27: out.append(.apostrophe)
            case 0x20, 0x09: out.append(.space)
            case 0x2D: out.append(.minus)
            case 0x2B: out.append(.plus)
            case 0x28: out.append(.open)
            case 0x29: out.append(.close)
            case 0x41...0x5A: out.append(.letter(c))
            case 0x61...0x7A: out.append(.letter(c - 32))
            case 0xC2 where i + 1 < b.count && b[i + 1] == 0xA0:  // U+00A0 no-break space
                out.append(.space)
                i += 1
            case 0xE2 where i + 2 < b.count:
                let tok: Token
                switch (b[i + 1], b[i + 2]) {
                case (0x80, 0xAF), (0x80, 0x89): tok = .space  // U+202F, U+2009
                case (0x80, 0x99): tok = .apostrophe  // U+2019
                case (0x82, 0xAC): tok = .euro  // U+20AC
                case (0x88, 0x92): tok = .minus  // U+2212
                default: tok = .other
                }
                out.append(tok)
                if tok != .other { i += 2 }
            default: out.append(.other)
            }
            i += 1
        }
        return out
    }

    /// The three letters at `i` as a code, when they are exactly three letters within `lo..<hi`.
    static func letterCode(_ t: [Token], at i: Int, lo: Int, hi: Int) -> String? {
        guard i >= lo, i + 3 <= hi else { return nil }
        if i > lo, case .letter = t[i - 1] { return nil }
        if i + 3 < hi, case .letter = t[i + 3] { return nil }
        var code = ""
        for k in i..<(i + 3) {
            guard case .letter(let c) = t[k] else { return nil }
            code.unicodeScalars.append(Unicode.Scalar(c))
        }
        return code
    }

    /// True when an integer part groups its digits regularly: one kind of separator, a head of
    /// one to three digits not starting with 0, then groups of exactly three.
    static func isValidGrouping(_ part: ArraySlice<Token>) -> Bool {
        var kind: Token? = nil
        var groups: [Int] = []
        var n = 0
        for tok in part {
            if tok.isDigit {
                n += 1
                continue
            }
            guard tok.isSeparator, kind == nil || kind == tok else { return false }
            kind = tok
            groups.append(n)
            n = 0
        }
        groups.append(n)
        guard let head = groups.first, (1...3).contains(head), part.first?.digitValue != 0 else { return false }
        return groups.dropFirst().allSatisfy { $0 == 3 }
    }
}
