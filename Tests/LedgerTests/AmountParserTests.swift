import Testing

@testable import Ledger

private let usd = Currency(code: "USD")!
private let jpy = Currency(code: "JPY")!
private let bhd = Currency(code: "BHD")!

/// Minor units read from `text`, or nil when the parser refuses it.
private func minor(_ text: String, _ currency: Currency = .eur, _ decimal: DecimalSeparator? = nil) -> Int64? {
    switch AmountParser.parse(text, currency: currency, decimal: decimal) {
    case .success(let m):
        #expect(m.currency == currency)
        return m.minorUnits
    case .failure: return nil
    }
}

/// The problem reported for `text`, or nil when it parses.
private func problem(_ text: String, _ currency: Currency = .eur, _ decimal: DecimalSeparator? = nil) -> AmountProblem? {
    switch AmountParser.parse(text, currency: currency, decimal: decimal) {
    case .success: return nil
    case .failure(let p): return p
    }
}

@Suite("AmountParser")
struct AmountParserTests {
    @Test("accounting-export spellings of EUR amounts, with and without the matching hint", arguments: [
        ("1234.56", Int64(123_456), DecimalSeparator.point),
        ("1.234,56", 123_456, .comma),
        ("1 234,56", 123_456, .comma),
        ("1\u{A0}234,56", 123_456, .comma),  // no-break space
        ("1\u{202F}234,56", 123_456, .comma),  // narrow no-break space
        ("1\u{2009}234,56", 123_456, .comma),  // thin space
        ("1 234 567,89", 123_456_789, .comma),
        ("1 234.56", 123_456, .point),
        ("1,234.56", 123_456, .point),
        ("€ 1.234,56", 123_456, .comma),
        ("€1234,56", 123_456, .comma),
        ("1.234,56 €", 123_456, .comma),
        ("1.234,56€", 123_456, .comma),
        ("EUR 12.50", 1_250, .point),
        ("EUR12.50", 1_250, .point),
        ("12.50 EUR", 1_250, .point),
        ("eur 12.50", 1_250, .point),
        ("-12,50", -1_250, .comma),
        ("12,50-", -1_250, .comma),
        ("(12.50)", -1_250, .point),
        ("( 12.50 )", -1_250, .point),
        ("(€ 12.50)", -1_250, .point),
        ("€ -12,50", -1_250, .comma),
        ("-€ 12,50", -1_250, .comma),
        ("- 12,50", -1_250, .comma),
        ("\u{2212}12,50", -1_250, .comma),  // minus sign
        ("+12,50", 1_250, .comma),
        ("EUR -1.234,56", -123_456, .comma),
        ("-1.234,56 EUR", -123_456, .comma),
        ("0,5", 50, .comma),
        ("0.5", 50, .point),
        (",5", 50, .comma),
        (".5", 50, .point),
        ("-,05", -5, .comma),
        ("0,01", 1, .comma),
        ("0", 0, .comma),
        ("-0,00", 0, .comma),
        ("12", 1_200, .comma),
        ("1234", 123_400, .point),
        ("007", 700, .point),
        ("1.234.567,89", 123_456_789, .comma),
        ("1,234,567.89", 123_456_789, .point),
        ("1'234.50", 123_450, .point),
        ("1'234'567.50", 123_456_750, .point),
        ("1\u{2019}234.50", 123_450, .point),  // typographic apostrophe
        ("1'234,50", 123_450, .comma),
        ("1'234", 123_400, .point),
        ("1 234", 123_400, .comma),
        ("12,3400", 1_234, .comma),
        ("1234,567000", nil, .comma),
        ("1234.5", 123_450, .point),
        ("1234,5", 123_450, .comma),
        ("1234.5678", nil, .point),
        ("  12,50  ", 1_250, .comma),
        ("\t12,50", 1_250, .comma),
        ("999999999999,99", 99_999_999_999_999, .comma),
    ] as [(String, Int64?, DecimalSeparator)])
    func readings(text: String, expected: Int64?, hint: DecimalSeparator) {
        #expect(minor(text) == expected, "no hint: \(text)")
        #expect(minor(text, .eur, hint) == expected, "hint \(hint): \(text)")
    }

    @Test("a single separator before three digits is ambiguous without a hint", arguments: [
        "1,234", "1.234", "12,345", "123.456", "-1,234", "€ 1.234", "EUR 1,234", "1,234 EUR", "(1.234)", "1,230",
        "1.000", "1,234-", "12.340",
    ])
    func ambiguous(text: String) throws {
        let p = try #require(problem(text))
        #expect(p.ambiguous)
        #expect(p.message.contains("ambiguous"))
        if !text.contains("€") && !text.contains("EUR") {
            #expect(try #require(problem(text, jpy)).ambiguous)
        }
    }

    @Test("the hint settles the ambiguity")
    func hinted() {
        #expect(minor("1,234", .eur, .point) == 123_400)
        #expect(minor("1.234", .eur, .comma) == 123_400)
        #expect(minor("1,230", .eur, .comma) == 123)
        #expect(minor("1.230", .eur, .point) == 123)
        #expect(minor("1,234", bhd, .comma) == 1_234)  // 1.234 BHD
        #expect(minor("1.234", bhd, .point) == 1_234)
        #expect(minor("1,234", bhd, .point) == 1_234_000)
        // Read as decimals, 1,234 has three of them: refused for EUR, never rounded.
        let p = problem("1,234", .eur, .comma)
        #expect(p?.ambiguous == false)
        #expect(p?.message.contains("decimals") == true)
        #expect(problem("1.234", .eur, .point)?.ambiguous == false)
    }

    @Test("readings that are not ambiguous although three digits follow the separator", arguments: [
        ("1234,500", Int64(123_450)),  // four digits cannot be a thousands group's head
        ("0,500", 50),  // nor can a lone zero
        (",500", 50),
        ("1 234,500", 123_450),  // spaces group the thousands, so the comma is the decimal separator
        ("1'234.500", 123_450),
        ("1.234.567", 123_456_700),  // two of the same separator: thousands
        ("1,234,567", 123_456_700),
        ("1.234,567", nil),  // both: the last one is the decimal separator, three decimals for EUR
    ] as [(String, Int64?)])
    func notAmbiguous(text: String, expected: Int64?) {
        #expect(minor(text) == expected)
        #expect(problem(text)?.ambiguous ?? false == false)
    }

    @Test("12.345 with a decimal-point hint has three decimals: refused; 12.340 is 12.34")
    func threeDecimals() throws {
        let p = try #require(problem("12.345", .eur, .point))
        #expect(!p.ambiguous)
        #expect(p.message.contains("2 decimals"))
        #expect(minor("12.340", .eur, .point) == 1_234)
        #expect(minor("12.345", .eur, .comma) == 1_234_500)
        #expect(minor("12.345", bhd, .point) == 12_345)
        #expect(minor("12.3456", bhd, .point) == nil)
    }

    @Test("zero-decimal currencies", arguments: [
        ("1234", Int64(1_234)), ("1.234.567", 1_234_567), ("1 234", 1_234), ("1234,0", 1_234), ("1234,00", 1_234),
        ("1234,5", nil), ("JPY 5", 5), ("-5 JPY", -5),
    ] as [(String, Int64?)])
    func zeroDecimals(text: String, expected: Int64?) {
        #expect(minor(text, jpy, .comma) == expected)
    }

    @Test("a hint that contradicts the text is refused", arguments: [
        ("1.234,56", DecimalSeparator.point),
        ("1,234.56", .comma),
        ("1.234.567", .point),  // the decimal separator twice
        ("1,234,567", .comma),
        ("1234.56", .comma),  // a thousands separator before two digits
        ("1234,56", .point),
        ("1,23", .point),
        ("12.50 EUR", .comma),
    ])
    func contradictingHint(text: String, hint: DecimalSeparator) {
        #expect(minor(text, .eur, hint) == nil)
        #expect(problem(text, .eur, hint)?.ambiguous == false)
    }

    @Test("thousands separators in the wrong places", arguments: [
        "1.23.456,00", "12,34,567.00", "1,23,456.00", "1234.567,00", "1.2345,00", "1 23,45", "12 34",
        "1 2345,67", "1,234 567.89", "1.234 567,89", "1'234 567.00", "1'23.45", ",234,567", ".234.567",
        "1,,234.00", "1..234,00", "1.234,", "1234,", "1234.", "1,234.", "1 ,50", "1 .50", "1, 50", "1,234 ,56",
        "1.234,56.78", "1,234.56,78", "1'234'56.00", "1 234  567", "1.234,567.89",
    ])
    func badGrouping(text: String) {
        #expect(minor(text) == nil, "no hint: \(text)")
        #expect(minor(text, .eur, .comma) == nil, "comma: \(text)")
        #expect(minor(text, .eur, .point) == nil, "point: \(text)")
    }

    @Test("not amounts at all", arguments: [
        "12,3O", "12,5O", "1O", "O", "abc", "12.50 USD", "USD 12.50", "$12.50", "12.50 EURO", "EUR", "€", "-", "+",
        "()", "(12.50", "12.50)", "--12,50", "-12,50-", "(-12.50)", "(12.50)-", "+-12", "12e3", "0x10", "1/2",
        "12,50 EUR EUR", "€ € 12", "EUR € 12", "12:50", "١٢٣", "１２３", "12\n50", "½",
    ])
    func notNumbers(text: String) {
        #expect(minor(text) == nil, "\(text)")
        #expect(problem(text)?.ambiguous == false)
    }

    @Test("empty input", arguments: ["", " ", "\t", "\u{A0}", "  \u{202F} "])
    func empty(text: String) throws {
        let p = try #require(problem(text))
        #expect(p.message == "empty amount")
        #expect(!p.ambiguous)
    }

    @Test("overflow is refused, never wrapped", arguments: [
        "1000000000000,00", "9999999999999999999", "99999999999999999999999999999,99", "-1000000000000",
        "92233720368547758,07", "184467440737095516,16",
    ])
    func overflow(text: String) throws {
        let p = try #require(problem(text, .eur, .comma))
        #expect(p.message.contains("too large"))
    }

    @Test("a long run of leading zeros is still a small amount")
    func leadingZeros() {
        #expect(minor(String(repeating: "0", count: 40) + "1,50", .eur, .comma) == 150)
    }

    @Test("other currencies")
    func otherCurrencies() {
        #expect(minor("USD 1,234.56", usd, .point) == 123_456)
        #expect(minor("1,234.56 usd", usd) == 123_456)
        #expect(minor("€ 12,50", usd) == nil)  // the euro sign names another currency
        #expect(minor("EUR 12,50", usd) == nil)
        #expect(minor("12.345", bhd) == nil)  // ambiguous for BHD too
        #expect(minor("12.3450", bhd) == 12_345)
    }

    @Test("the UTF-8 entry point agrees with the string one")
    func utf8() {
        for text in ["1.234,56", "€ 1 234,56", "(12.50)", "1\u{A0}234,56", "12,3O", "1,234", ""] {
            for hint in [nil, DecimalSeparator.comma, .point] {
                let a = AmountParser.parse(text, currency: .eur, decimal: hint)
                let b = AmountParser.parse(utf8: Array(text.utf8), currency: .eur, decimal: hint)
                #expect(a == b)
            }
        }
        // Invalid UTF-8 is not an amount.
        #expect(throws: AmountProblem.self) {
            try AmountParser.parse(utf8: [0x31, 0xFF, 0x32], currency: .eur, decimal: nil).get()
        }
        #expect(throws: AmountProblem.self) {
            try AmountParser.parse(utf8: [0x31, 0xC2], currency: .eur, decimal: nil).get()
        }
    }

    @Test("Substring input")
    func substring() {
        let line = "INV-1;1.234,56;2024-01-31"
        let field = line.split(separator: ";")[1]
        #expect(AmountParser.parse(field, currency: .eur, decimal: .comma) == .success(.eur(cents: 123_456)))
    }

    @Test("problems never echo the amount (personal data stays out of messages)")
    func messagesDoNotEcho() {
        for text in ["12,3O", "1,234", "987.654.32", "1234,567"] {
            let p = problem(text)
            #expect(p != nil)
            #expect(p.map { !$0.message.contains(text) } ?? true)
        }
    }
}
