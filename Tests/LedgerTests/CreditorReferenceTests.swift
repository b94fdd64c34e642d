import Testing

@testable import Ledger

@Suite("CreditorReference (ISO 11649 RF)")
struct CreditorReferenceTests {
    @Test("§3.2 generation examples", arguments: [
        ("539007547034", "RF18539007547034"),
        ("240283842818", "RF97240283842818"),
        ("123456789002", "RF79123456789002"),
        ("54", "RF9854"),  // the largest check digits
        ("36", "RF0236"),  // the smallest check digits
    ])
    func generate(payload: String, expected: String) throws {
        let ref = try #require(CreditorReference(payload: payload))
        #expect(ref.value == expected)
        #expect(ref.description == expected)
        #expect(try CreditorReference(parsing: expected) == ref)
    }

    @Test("RF18 5390 0754 7034 is valid in print and electronic form")
    func validExample() throws {
        let printed = try CreditorReference(parsing: "RF18 5390 0754 7034")
        #expect(printed.value == "RF18539007547034")
        #expect(printed.formatted == "RF18 5390 0754 7034")
        #expect(try CreditorReference(parsing: "RF18539007547034") == printed)
        #expect(try CreditorReference(parsing: "rf18539007547034") == printed)
    }

    @Test("RF17… fails its check (stdnum doctest) and so do other wrong check digits", arguments: [
        "RF17 5390 0754 7034", "RF17539007547034", "RF19539007547034", "RF18539007547035", "RF18539007547043",
        "RF96240283842818",
    ])
    func invalidCheck(text: String) {
        #expect(throws: CreditorReference.Problem.checkDigits) { try CreditorReference(parsing: text) }
    }

    @Test("check digits 00, 01 and 99 are never issued", arguments: [
        // RF97… ≡ RF00…, RF98… ≡ RF01… and RF02… ≡ RF99… (mod 97): only 02–98 are issued.
        "RF00240283842818", "RF0154", "RF9936",
    ])
    func outOfRangeCheckDigits(text: String) {
        #expect(throws: CreditorReference.Problem.self) { try CreditorReference(parsing: text) }
    }

    @Test("format errors", arguments: [
        "", "RF", "RF18", "RX18539007547034", "18539007547034", "RFAB539007547034", "RF18-5390-0754-7034",
        "RF18539007547034RF18539007547", "RF18+539007547034", "RF18 5390 0754 703é",
    ])
    func format(text: String) {
        #expect(throws: CreditorReference.Problem.format) { try CreditorReference(parsing: text) }
    }

    @Test("payloads of 1 to 21 letters or digits round-trip", arguments: [
        "1", "A", "abc", "INV2024000123", "000000000000000000001", "ZZZZZZZZZZZZZZZZZZZZZ", "123456789012345678901",
    ])
    func payloadRoundTrip(payload: String) throws {
        let ref = try #require(CreditorReference(payload: payload))
        #expect(ref.value.hasPrefix("RF"))
        #expect(ref.value.hasSuffix(payload.uppercased()))
        #expect(ref.value.count == payload.count + 4)
        let check = try #require(Int(ref.value.dropFirst(2).prefix(2)))
        #expect((2...98).contains(check))
        #expect(try CreditorReference(parsing: ref.value) == ref)
        #expect(try CreditorReference(parsing: ref.formatted) == ref)
    }

    @Test("payloads that cannot be carried", arguments: ["", "1234567890123456789012", "INV-1", "INV 1", "Ä"])
    func badPayload(payload: String) {
        #expect(CreditorReference(payload: payload) == nil)
    }

    @Test("a 25-character reference is the longest")
    func maxLength() throws {
        let ref = try #require(CreditorReference(payload: String(repeating: "9", count: 21)))
        #expect(ref.value.count == 25)
        #expect(ref.formatted.split(separator: " ").map(\.count) == [4, 4, 4, 4, 4, 4, 1])
    }
}

@Suite("CreditorReference case folding")
struct CreditorReferenceCaseFoldingTests {
    @Test("only ASCII letters are upper-cased: ß does not become SS")
    func sharpS() throws {
        #expect(try CreditorReference(parsing: "rf18miss2024").value == "RF18MISS2024")
        #expect(throws: CreditorReference.Problem.format) { try CreditorReference(parsing: "RF18MIß2024") }
        #expect(CreditorReference(payload: "MIß2024") == nil)
        #expect(CreditorReference(payload: "miss2024")?.value == "RF18MISS2024")
    }
}
