import Testing

@testable import Ledger

@Suite("Currency")
struct CurrencyTests {
    @Test("codes are three letters, upper-cased", arguments: [
        ("EUR", "EUR", 2), ("eur", "EUR", 2), ("Usd", "USD", 2), ("JPY", "JPY", 0), ("KWD", "KWD", 3),
        ("CHF", "CHF", 2), ("isk", "ISK", 0),
    ])
    func valid(raw: String, code: String, digits: Int) throws {
        let c = try #require(Currency(code: raw))
        #expect(c.code == code)
        #expect(c.minorDigits == digits)
        #expect(c.description == code)
    }

    @Test("anything else is refused", arguments: ["", "EU", "EURO", "E1R", "€", "EÜR", " EUR", "EUR ", "E-R", "eß", "ﬀe"])
    func invalid(raw: String) {
        #expect(Currency(code: raw) == nil)
    }

    @Test("parsed EUR equals the constant")
    func eurConstant() {
        #expect(Currency(code: "eur") == .eur)
        #expect(Currency.eur.minorDigits == 2)
    }

    @Test("a stored code reads as init(code:) does, a malformed one as EUR", arguments: ["EUR", "USD", "JPY", "kwd", "", "EURO", "E1R"])
    func stored(raw: String) {
        #expect(Currency(stored: raw) == Currency(code: raw) ?? .eur)
    }
}

@Suite("Money")
struct MoneyTests {
    let usd = Currency(code: "USD")!
    let jpy = Currency(code: "JPY")!
    let kwd = Currency(code: "KWD")!

    @Test("same-currency arithmetic")
    func arithmetic() throws {
        let a = Money.eur(cents: 10_000_00)
        let b = Money.eur(cents: 154_11)
        #expect(try a.adding(b) == .eur(cents: 10_154_11))
        #expect(try a.adding(b).adding(.eur(cents: 40_00)).decimalString == "10194.11")  // §1.4 example A
        #expect(try b.subtracting(a) == .eur(cents: -9_845_89))
        #expect(try a.subtracting(a).isZero)
        #expect(try a.adding(.zero(.eur)) == a)
        #expect(try a.compare(b) == 1)
        #expect(try b.compare(a) == -1)
        #expect(try a.compare(.eur(cents: 10_000_00)) == 0)
        #expect(a.negated == .eur(cents: -10_000_00))
        #expect(a.negated.negated == a)
    }

    @Test("signs")
    func signs() {
        #expect(Money.eur(cents: 1).isPositive)
        #expect(!Money.eur(cents: 1).isNegative)
        #expect(Money.eur(cents: -1).isNegative)
        #expect(!Money.eur(cents: -1).isPositive)
        #expect(Money.zero(.eur).isZero)
        #expect(!Money.zero(.eur).isPositive && !Money.zero(.eur).isNegative)
        #expect(Money.zero(jpy).currency == jpy)
    }

    @Test("mixing EUR and USD throws CurrencyMismatch")
    func mismatch() {
        let eur = Money.eur(cents: 100)
        let dollars = Money(minorUnits: 100, currency: usd)
        #expect(throws: CurrencyMismatch(left: "EUR", right: "USD")) { try eur.adding(dollars) }
        #expect(throws: CurrencyMismatch(left: "USD", right: "EUR")) { try dollars.subtracting(eur) }
        #expect(throws: CurrencyMismatch(left: "EUR", right: "USD")) { try eur.compare(dollars) }
        #expect(throws: CurrencyMismatch.self) { try Money.zero(.eur).adding(.zero(usd)) }
        #expect(CurrencyMismatch(left: "EUR", right: "USD").description == "cannot combine EUR and USD amounts")
    }

    @Test("equal minor units in different currencies are different amounts")
    func equality() {
        #expect(Money(minorUnits: 100, currency: usd) != Money.eur(cents: 100))
        #expect(Money(minorUnits: 100, currency: .eur) == Money.eur(cents: 100))
    }

    @Test("decimal text", arguments: [
        (Int64(123_456), "EUR", "1234.56"),
        (-123_456, "EUR", "-1234.56"),
        (0, "EUR", "0.00"),
        (5, "EUR", "0.05"),
        (-5, "EUR", "-0.05"),
        (50, "EUR", "0.50"),
        (-100, "EUR", "-1.00"),
        (99, "EUR", "0.99"),
        (1, "KWD", "0.001"),
        (-1_234_567, "KWD", "-1234.567"),
        (1234, "JPY", "1234"),
        (-1234, "JPY", "-1234"),
        (0, "JPY", "0"),
        (Int64.max, "EUR", "92233720368547758.07"),
        (Int64.min, "EUR", "-92233720368547758.08"),
    ])
    func decimalString(minorUnits: Int64, code: String, text: String) throws {
        let m = Money(minorUnits: minorUnits, currency: try #require(Currency(code: code)))
        #expect(m.decimalString == text)
        #expect(m.description == "\(code) \(text)")
    }

    @Test("decimal text of a bare minor-unit count")
    func staticDecimalString() {
        #expect(Money.decimalString(minorUnits: 7, digits: 3) == "0.007")
        #expect(Money.decimalString(minorUnits: -7, digits: 0) == "-7")
        #expect(Money.decimalString(minorUnits: 1_000, digits: 2) == "10.00")
    }
}

@Suite("MoneyBag")
struct MoneyBagTests {
    let usd = Currency(code: "USD")!
    let jpy = Currency(code: "JPY")!

    @Test("totals per currency, sorted by code")
    func totals() {
        var bag = MoneyBag()
        #expect(bag.amounts.isEmpty)
        #expect(bag.isEmpty)
        bag.add(.eur(cents: 1_000))
        bag.add(Money(minorUnits: 250, currency: usd))
        bag.add(.eur(cents: -300))
        bag.add(Money(minorUnits: 5_000, currency: jpy))
        bag.add(Money(minorUnits: 1, currency: usd))
        #expect(!bag.isEmpty)
        #expect(bag.totals == ["EUR": 700, "USD": 251, "JPY": 5_000])
        #expect(bag.amounts == [.eur(cents: 700), Money(minorUnits: 5_000, currency: jpy), Money(minorUnits: 251, currency: usd)])
        #expect(bag.amounts.map(\.description) == ["EUR 7.00", "JPY 5000", "USD 2.51"])
        #expect(bag.total(.eur) == .eur(cents: 700))
        #expect(bag.total(usd) == Money(minorUnits: 251, currency: usd))
        #expect(bag.total(Currency(code: "GBP")!) == .zero(Currency(code: "GBP")!))
    }

    @Test("a currency whose total returns to zero is still listed")
    func zeroTotal() {
        var bag = MoneyBag()
        bag.add(.eur(cents: 500))
        bag.add(.eur(cents: -500))
        #expect(bag.amounts == [.zero(.eur)])
    }

    @Test("bags compare by content")
    func equality() {
        var a = MoneyBag()
        var b = MoneyBag()
        a.add(.eur(cents: 1))
        a.add(Money(minorUnits: 2, currency: usd))
        b.add(Money(minorUnits: 2, currency: usd))
        b.add(.eur(cents: 1))
        #expect(a == b)
    }
}
