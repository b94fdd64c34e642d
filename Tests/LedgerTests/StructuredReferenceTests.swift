import Testing

@testable import Ledger

/// belgian-rules.md §3.1: every row of the OGM table.
let ogmTable: [(base: String, check: String, formatted: String)] = [
    ("1234567890", "02", "+++123/4567/89002+++"),
    ("0123456789", "39", "+++012/3456/78939+++"),
    ("0108068171", "83", "+++010/8068/17183+++"),
    ("0851927541", "15", "+++085/1927/54115+++"),
    ("2402838428", "18", "+++240/2838/42818+++"),
    ("0000000097", "97", "+++000/0000/09797+++"),  // mod 97 = 0 → 97
    ("0000000000", "97", "+++000/0000/00097+++"),  // mod 97 = 0 → 97, the lowest OGM
    ("2024000123", "63", "+++202/4000/12363+++"),
]

@Suite("StructuredReference (OGM/VCS)")
struct StructuredReferenceTests {
    @Test("check digits of the §3.1 table", arguments: ogmTable)
    func checkDigits(row: (base: String, check: String, formatted: String)) throws {
        #expect(StructuredReference.checkDigits(base: row.base) == row.check)
        let built = try #require(StructuredReference(base: row.base))
        #expect(built.digits == row.base + row.check)
        #expect(built.formatted == row.formatted)
        #expect(built.description == row.formatted)
    }

    @Test("the §3.1 table parses in every accepted form", arguments: ogmTable)
    func parsesAllForms(row: (base: String, check: String, formatted: String)) throws {
        let digits = row.base + row.check
        let starred = "***" + row.formatted.dropFirst(3).dropLast(3) + "***"
        for text in [row.formatted, starred, digits, " \(row.formatted) ", "+++ \(digits) +++"] {
            let ref = try StructuredReference(parsing: text)
            #expect(ref.digits == digits, "\(text)")
            #expect(ref.formatted == row.formatted)
        }
    }

    @Test("the three forms of +++123/4567/89002+++ are one reference")
    func threeForms() throws {
        let plus = try StructuredReference(parsing: "+++123/4567/89002+++")
        let star = try StructuredReference(parsing: "***123/4567/89002***")
        let bare = try StructuredReference(parsing: "123456789002")
        #expect(plus == star && star == bare)
        #expect(plus.digits == "123456789002")
        #expect(try StructuredReference(parsing: "123/4567/89002").digits == "123456789002")
        #expect(try StructuredReference(parsing: "123.4567.89002").digits == "123456789002")
        #expect(try StructuredReference(parsing: "\t+++123/4567/89002+++\t").digits == "123456789002")
        #expect(try StructuredReference(parsing: "+++123 4567 89002+++").digits == "123456789002")
    }

    @Test("wrong check digits name the expected digits", arguments: [
        ("+++123/4567/89003+++", "02", "03"),
        ("123456789097", "02", "97"),
        ("+++000/0000/00000+++", "97", "00"),  // all zeros: 0 → 97, so 00 is never valid
        ("000000009700", "97", "00"),
        ("***240/2838/42817***", "18", "17"),
        ("012345678938", "39", "38"),
        ("202400012336", "63", "36"),  // last two digits swapped
    ])
    func wrongCheck(text: String, expected: String, found: String) {
        #expect(throws: StructuredReference.Problem.checkDigits(expected: expected, found: found)) {
            try StructuredReference(parsing: text)
        }
        let message = StructuredReference.Problem.checkDigits(expected: expected, found: found).description
        #expect(message.contains("expected \(expected)"))
        #expect(message.contains(found))
    }

    @Test("wrong length", arguments: [
        ("", 0), ("12345678900", 11), ("1234567890021", 13), ("+++123/4567/8900+++", 11), ("++++++", 0), ("+++1+++", 1), ("***//***", 0),
    ])
    func wrongLength(text: String, count: Int) {
        #expect(throws: StructuredReference.Problem.wrongLength(count)) { try StructuredReference(parsing: text) }
    }

    @Test("anything but digits inside the wrapper", arguments: [
        "+++123/4567/8900A+++", "+++123/4567/89002***", "***123/4567/89002+++", "+++123/4567/89002",
        "123/4567/89002+++", "++123/4567/89002++", "RF18539007547034", "+++123-4567-89002+++", "１２３４５６７８９００２",
        "+++123/4567/89002+++ x",
    ])
    func notDigits(text: String) {
        #expect(throws: StructuredReference.Problem.notDigits) { try StructuredReference(parsing: text) }
    }

    @Test("building from a number keeps leading zeros")
    func fromNumber() throws {
        #expect(try #require(StructuredReference(number: 0)).formatted == "+++000/0000/00097+++")
        #expect(try #require(StructuredReference(number: 97)).formatted == "+++000/0000/09797+++")
        #expect(try #require(StructuredReference(number: 123_456_789)).digits == "012345678939")
        #expect(try #require(StructuredReference(number: 9_999_999_999)).digits.count == 12)
        #expect(StructuredReference(number: 10_000_000_000) == nil)
        #expect(StructuredReference(number: -1) == nil)
    }

    @Test("building from a base refuses anything but ten digits", arguments: [
        "", "123456789", "12345678901", "123456789A", "12345 6789", "+123456789",
    ])
    func badBase(base: String) {
        #expect(StructuredReference(base: base) == nil)
    }

    @Test("every built reference parses back", arguments: [0, 1, 96, 97, 98, 194, 1_234_567_890, 9_999_999_999])
    func buildThenParse(number: Int64) throws {
        let ref = try #require(StructuredReference(number: number))
        #expect(try StructuredReference(parsing: ref.formatted) == ref)
        #expect(try StructuredReference(parsing: ref.digits) == ref)
    }
}
