import Testing

@testable import Ledger

@Suite("Diagnostic, identifiers and mod 97")
struct DiagnosticTests {
    @Test("renders like a compiler message")
    func rendering() {
        let d = Diagnostic(file: "invoices.csv", line: 17, column: 4, rule: "amount",
                           message: "could not read \"12,3O\" as an amount")
        #expect(d.description == #"invoices.csv:17:4: error: [amount] could not read "12,3O" as an amount"#)
        var w = d
        w.severity = .warning
        #expect(w.description.hasPrefix("invoices.csv:17:4: warning: [amount] "))
        #expect(Diagnostic(file: "f", line: 0, column: 0, severity: .note, rule: "r", message: "m").description == "f:0:0: note: [r] m")
        #expect(d != w)
    }

    @Test("business keys order, print and hash by their text")
    func businessKeys() {
        let a = InvoiceNumber(rawValue: "INV-0001")
        let b = InvoiceNumber(rawValue: "INV-0002")
        #expect(a < b)
        #expect(a.description == "INV-0001")
        #expect(Set([a, b, InvoiceNumber(rawValue: "INV-0001")]).count == 2)
        #expect([DebtorID(rawValue: "D2"), DebtorID(rawValue: "D10")].sorted().map(\.rawValue) == ["D10", "D2"])
        #expect(PaymentID(rawValue: "P1") == PaymentID(rawValue: "P1"))
    }

    @Test("mod 97 over digits and letters", arguments: [
        ("0", 0), ("97", 0), ("98", 1), ("1234567890", 2), ("2402838428", 18), ("A", 10), ("Z", 35), ("a", 10),
        ("539007547034271518", 1),  // RF18539007547034 rearranged and converted
        ("539007547034RF18", 1), ("", 0),
        (String(repeating: "9", count: 200), Int(String(repeating: "9", count: 200).utf8.reduce(0) { ($0 * 10 + Int($1 - 48)) % 97 })),
    ])
    func mod97Values(text: String, expected: Int) {
        #expect(mod97(text) == expected)
    }

    @Test("mod 97 refuses other characters", arguments: [" ", "12 34", "-1", "é", "1.0", "+"])
    func mod97Refuses(text: String) {
        #expect(mod97(text) == nil)
    }
}
