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

    @Test("the byte reading gives the character reading's reference or problem: seeded texts, ASCII and not")
    func byteReadingMatchesCharacterReading() {
        var rng = SeededPieces(seed: 0x5EED_0C0D)
        let pieces = [
            "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "/", " ", ".", "\t", "+", "*", "+++", "***", "A", "-",
            "\r\n", "\n", "\r", "\u{0}", "\u{7F}", "\u{A0}", "é", "e\u{301}", "\u{301}", "１", "٣", "۹", "𝟗", "+\u{301}", " \u{301}",
        ]
        var texts = ["", " ", "\t", "++++++", "+++++", "******", "+++***+++", "***+++***", "+++***123/4567/89002***+++",
            "***+++123/4567/89002+++***", "+++\r\n+++", "+++123/4567/89002+++\r\n", " +++123/4567/89002+++\u{301}",
            "+++123/4567/89002+\u{301}++", "１２３４５６７８９００２", "1234567890021234567890", "+++123/4567/89002+++",
            "12345678900\u{301}2", "123456789002\u{A0}", "\u{A0}123456789002"]
        for _ in 0..<20_000 {
            var text: String
            if rng.next(4) == 0 {
                text = ""
                for _ in 0..<rng.next(18) { text += pieces[rng.next(pieces.count)] }
            } else {
                let ref = StructuredReference(number: Int64(rng.next(10_000_000_000)))!
                let bare = ref.digits
                let forms = [ref.formatted, "***" + ref.formatted.dropFirst(3).dropLast(3) + "***", bare,
                    " \(ref.formatted)\t", "+++ \(bare) +++", "\(bare.prefix(3)).\(bare.dropFirst(3))"]
                var chars = Array(forms[rng.next(forms.count)])
                for _ in 0..<rng.next(3) {  // a few edits: replace, insert or delete a character
                    let at = rng.next(chars.count + 1)
                    let piece = Array(pieces[rng.next(pieces.count)])
                    switch rng.next(3) {
                    case 0 where at < chars.count: chars.replaceSubrange(at...at, with: piece)
                    case 1: chars.insert(contentsOf: piece, at: at)
                    default: if at < chars.count { chars.remove(at: at) }
                    }
                }
                text = String(chars)
            }
            texts.append(text)
        }
        var ascii = 0
        var valid = 0
        for text in texts {
            let characters = Result { () throws(StructuredReference.Problem) in try StructuredReference(parsingCharacters: text).digits }
            let bytes = Result { () throws(StructuredReference.Problem) in try StructuredReference(parsing: text).digits }
            #expect(bytes == characters, "\(text.debugDescription)")
            // A field inside a longer line (a substring that does not start at the line's first byte;
            // a leading combining mark joins the separator, so the field is compared with itself).
            let field = ("x;" + text + ";y").dropFirst(2).dropLast(2)
            let fieldByCharacters = Result { () throws(StructuredReference.Problem) in
                try StructuredReference(parsingCharacters: field).digits
            }
            let inLine = Result { () throws(StructuredReference.Problem) in try StructuredReference(parsing: field).digits }
            #expect(inLine == fieldByCharacters, "\(field.debugDescription) in a line")
            if text.utf8.allSatisfy({ $0 < 128 }) { ascii += 1 }
            if case .success = characters { valid += 1 }
        }
        #expect(ascii > 6_000 && valid > 3_000 && texts.count - ascii > 3_000)
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

/// SplitMix64: a fixed seed gives the same texts on every run.
struct SeededPieces {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return bound <= 1 ? 0 : Int(z % UInt64(bound))
    }
}
