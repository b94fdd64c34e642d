import Testing

@testable import Ledger

@Suite("IBAN")
struct IBANTests {
    @Test("§5.1 Belgian examples are valid", arguments: [
        "BE68539007547034",  // BBAN 539007547034, 5390075470 mod 97 = 34
        "BE71096123456769",
        "BE54000000000097",  // national check 0 → 97
        "BE33737018595246",  // CODA sample accounts
        "BE61310126985517",
        "BE41063012345610",
        "BE02539007547640",  // smallest and largest IBAN check digits
        "BE98539007552993",
    ])
    func validBelgian(text: String) throws {
        let iban = try IBAN(parsing: text)
        #expect(iban.value == text)
        #expect(iban.country == "BE")
        #expect(iban.description == text)
        #expect(try IBAN(parsing: iban.formatted) == iban)
    }

    @Test("print form, lower case and spaces are accepted")
    func printForm() throws {
        let iban = try IBAN(parsing: "BE68 5390 0754 7034")
        #expect(iban.value == "BE68539007547034")
        #expect(iban.formatted == "BE68 5390 0754 7034")
        #expect(try IBAN(parsing: "be68 5390 0754 7034") == iban)
        #expect(try IBAN(parsing: " BE68539007547034 ") == iban)
    }

    @Test("other SEPA countries", arguments: [
        ("DE89370400440532013000", "DE89 3704 0044 0532 0130 00"),
        ("GB82WEST12345698765432", "GB82 WEST 1234 5698 7654 32"),
        ("FR1420041010050500013M02606", "FR14 2004 1010 0505 0001 3M02 606"),
        ("NL91ABNA0417164300", "NL91 ABNA 0417 1643 00"),
        ("LU280019400644750000", "LU28 0019 4006 4475 0000"),
        ("CH9300762011623852957", "CH93 0076 2011 6238 5295 7"),
    ])
    func foreign(value: String, formatted: String) throws {
        let iban = try IBAN(parsing: value)
        #expect(iban.formatted == formatted)
        #expect(iban.country == String(value.prefix(2)))
        #expect(try IBAN(parsing: formatted) == iban)
    }

    @Test("BE41091811735141 passes mod 97 but fails the Belgian national check (stdnum doctest)")
    func nationalCheck() {
        #expect(throws: IBAN.Problem.belgianNationalCheck) { try IBAN(parsing: "BE41091811735141") }
        #expect(throws: IBAN.Problem.belgianNationalCheck) { try IBAN(parsing: "BE41 0918 1173 5141") }
    }

    @Test("wrong IBAN check digits", arguments: [
        "BE68539007547035",  // last digit changed
        "BE69539007547034",  // check digits changed
        "BE68539007547043",  // two digits swapped
        "BE86539007547034",
        "DE88370400440532013000",
        "GB82WEST12345698765433",
        "XX0012345",  // unknown country: only mod 97
    ])
    func wrongCheck(text: String) {
        #expect(throws: IBAN.Problem.checkDigits) { try IBAN(parsing: text) }
    }

    @Test("check digits 00, 01 and 99 are never issued", arguments: [
        // Each passes mod 97 because its twin 97 apart (BE97…, BE98…, BE02…) is valid.
        "BE00539007548549", "BE01539007552993", "BE99539007547640",
    ])
    func outOfRangeCheckDigits(text: String) {
        #expect(throws: IBAN.Problem.checkDigits) { try IBAN(parsing: text) }
    }

    @Test("wrong length for the country", arguments: [
        ("BE6853900754703", "BE", 16, 15),
        ("BE685390075470341", "BE", 16, 17),
        ("DE8937040044053201300", "DE", 22, 21),
        ("NL91ABNA04171643001", "NL", 18, 19),
    ])
    func length(text: String, country: String, expected: Int, found: Int) {
        #expect(throws: IBAN.Problem.length(country: country, expected: expected, found: found)) {
            try IBAN(parsing: text)
        }
        #expect(
            IBAN.Problem.length(country: country, expected: expected, found: found).description
                == "a \(country) IBAN has \(expected) characters, found \(found)")
    }

    @Test("format errors", arguments: [
        "", "BE", "BE68", "1E68539007547034", "BEAB539007547034", "BE68-5390-0754-7034", "BE68539007547034!",
        "BE68 5390 0754 703é", "B", String(repeating: "1", count: 40), "BE68\t539007547034",
    ])
    func format(text: String) {
        #expect(throws: IBAN.Problem.format) { try IBAN(parsing: text) }
    }

    @Test("every problem has a message")
    func messages() {
        for p: IBAN.Problem in [.format, .checkDigits, .belgianNationalCheck, .length(country: "BE", expected: 16, found: 3)] {
            #expect(!p.description.isEmpty)
        }
    }
}

@Suite("IBAN case folding")
struct IBANCaseFoldingTests {
    @Test("only ASCII letters are upper-cased: ß does not become SS")
    func sharpS() throws {
        #expect(try IBAN(parsing: "GB68MISS12345698765432").value == "GB68MISS12345698765432")
        #expect(try IBAN(parsing: "gb68miss12345698765432").value == "GB68MISS12345698765432")
        #expect(throws: IBAN.Problem.format) { try IBAN(parsing: "GB68MIß12345698765432") }
    }
}
