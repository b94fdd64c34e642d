import Testing

@testable import Ledger

@Suite("EnterpriseNumber")
struct EnterpriseNumberTests {
    @Test("§5.2 valid examples", arguments: [
        ("0428759497", "0428.759.497"),  // 04287594 mod 97 = 0 → check 97 (stdnum doctest)
        ("0403019261", "0403.019.261"),
        ("0539930110", "0539.930.110"),  // ClearFacts BV
    ])
    func valid(digits: String, formatted: String) throws {
        let n = try EnterpriseNumber(parsing: digits)
        #expect(n.digits == digits)
        #expect(n.formatted == formatted)
        #expect(n.description == formatted)
        #expect(n.vatNumber == "BE" + digits)
    }

    @Test("every written form of 0428759497", arguments: [
        "0428759497", "428759497", "BE0428759497", "BE428759497", "be0428759497", "BE0428.759.497",
        "BE 0428 759 497", "BE 0428.759.497", "0428.759.497", "428.759.497", " BE0428759497 ", "0428-759-497",
        "BE0428/759/497",
    ])
    func forms(text: String) throws {
        #expect(try EnterpriseNumber(parsing: text).digits == "0428759497")
    }

    @Test("0431150351 fails its check: the check digits should be 50")
    func wrongCheck() throws {
        #expect(throws: EnterpriseNumber.Problem.checkDigits) { try EnterpriseNumber(parsing: "0431150351") }
        #expect(throws: EnterpriseNumber.Problem.checkDigits) { try EnterpriseNumber(parsing: "BE0431.150.351") }
        #expect(EnterpriseNumber.checkDigits(head: "04311503") == "50")
        #expect(try EnterpriseNumber(parsing: "0431150350").digits == "0431150350")
    }

    @Test("check digits of the head", arguments: [
        ("04287594", "97"), ("04030192", "61"), ("05399301", "10"), ("04311503", "50"),
    ])
    func checkDigits(head: String, check: String) {
        #expect(EnterpriseNumber.checkDigits(head: head) == check)
    }

    @Test("other wrong check digits", arguments: [
        "0428759496", "0428759400", "0403019262", "0539930101", "1000000000", "0000000000",
    ])
    func otherWrongChecks(text: String) {
        #expect(throws: EnterpriseNumber.Problem.checkDigits) { try EnterpriseNumber(parsing: text) }
    }

    @Test("numbers starting with 1 are accepted (UNCONFIRMED rule, belgian-rules.md §5.2)")
    func leadingOne() throws {
        let head = "10000000"
        let number = head + EnterpriseNumber.checkDigits(head: head)
        #expect(try EnterpriseNumber(parsing: number).digits == number)
    }

    @Test("other first digits are refused", arguments: ["2428759497", "9000000097", "BE5000000097"])
    func firstDigit(text: String) {
        #expect(throws: EnterpriseNumber.Problem.firstDigit) { try EnterpriseNumber(parsing: text) }
    }

    @Test("format errors", arguments: [
        "", "BE", "12345678", "04287594977", "04287594A7", "NL0428759497", "BEBE0428759497", "0428 759 497 B01",
        "０４２８７５９４９７",
    ])
    func format(text: String) {
        #expect(throws: EnterpriseNumber.Problem.format) { try EnterpriseNumber(parsing: text) }
    }
}
