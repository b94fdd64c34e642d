import Dunning
import Letters
import Ledger
import Testing

/// EPC069-12 payloads, from `belgian-rules.md` §4.
@Suite("EPC payload")
struct EPCPayloadTests {
    var be: IBAN { get throws { try IBAN(parsing: "BE68 5390 0754 7034") } }

    func elements(_ payload: String) -> [String] { payload.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    @Test func wikimediaExampleShape() throws {
        // segno's example, as version 002 with UTF-8 (charset 1) and the amount always with two decimals.
        let payload = try EPCPayload.make(
            name: "Wikimedia Foerdergesellschaft", iban: IBAN(parsing: "DE33100205000001194700"), bic: nil,
            amount: .eur(cents: 2000), reference: nil, text: "Spende fuer Wikipedia")
        #expect(payload == "BCD\n002\n1\nSCT\n\nWikimedia Foerdergesellschaft\nDE33100205000001194700\nEUR20.00\n\n\nSpende fuer Wikipedia")
    }

    @Test func structuredCommunicationGoesToElement11ByDefault() throws {
        let payload = try EPCPayload.make(name: "Acme BV", iban: be, bic: "GKCCBEBB", amount: .eur(cents: 123_456),
                                          reference: "123456789002", text: nil)
        #expect(payload == "BCD\n002\n1\nSCT\nGKCCBEBB\nAcme BV\nBE68539007547034\nEUR1234.56\n\n\n+++123/4567/89002+++")
        #expect(elements(payload)[9].isEmpty)
    }

    @Test func structuredPlacementUsesElement10Only() throws {
        let payload = try EPCPayload.make(name: "Acme BV", iban: be, bic: nil, amount: .eur(cents: 5),
                                          reference: "+++000/0000/09797+++", text: nil, ogmPlacement: .structured)
        #expect(payload == "BCD\n002\n1\nSCT\n\nAcme BV\nBE68539007547034\nEUR0.05\n\n+++000/0000/09797+++")
        #expect(elements(payload).count == 10)
    }

    @Test func creditorReferenceAlwaysGoesToElement10() throws {
        for placement in [EPCPayload.OGMPlacement.unstructured, .structured] {
            let payload = try EPCPayload.make(name: "Acme BV", iban: be, bic: nil, amount: .eur(cents: 100),
                                              reference: "RF18 5390 0754 7034", text: nil, ogmPlacement: placement)
            let e = elements(payload)
            #expect(e.count == 10)
            #expect(e[9] == "RF18539007547034")
        }
    }

    @Test func elements10And11NeverBoth() throws {
        #expect(throws: EPCPayload.Problem.referenceAndText) {
            try EPCPayload.make(name: "Acme BV", iban: be, bic: nil, amount: .eur(cents: 100),
                                reference: "RF18539007547034", text: "Factuur 12")
        }
        #expect(throws: EPCPayload.Problem.referenceAndText) {
            try EPCPayload.make(name: "Acme BV", iban: be, bic: nil, amount: .eur(cents: 100),
                                reference: "+++123/4567/89002+++", text: "Factuur 12", ogmPlacement: .structured)
        }
        // A note for the payer goes to element 12 instead.
        let payload = try EPCPayload.make(name: "Acme BV", iban: be, bic: nil, amount: .eur(cents: 100),
                                          reference: "+++123/4567/89002+++", text: nil, information: "Herinnering D000123")
        let e = elements(payload)
        #expect(e.count == 12)
        #expect(e[9].isEmpty && e[10] == "+++123/4567/89002+++" && e[11] == "Herinnering D000123")
    }

    @Test func bicIsOptionalWithinTheEEA() throws {
        let without = try EPCPayload.make(name: "A", iban: be, bic: nil, amount: .eur(cents: 1), reference: nil, text: nil)
        #expect(without == "BCD\n002\n1\nSCT\n\nA\nBE68539007547034\nEUR0.01")
        let lower = try EPCPayload.make(name: "A", iban: be, bic: "gkccbebbxxx", amount: .eur(cents: 1), reference: nil, text: nil)
        #expect(elements(lower)[4] == "GKCCBEBBXXX")
        for bad in ["GKCCBE", "GKCCBEBBX", "1KCCBEBB", "GKCC-EBB"] {
            #expect(throws: EPCPayload.Problem.bic) {
                try EPCPayload.make(name: "A", iban: be, bic: bad, amount: .eur(cents: 1), reference: nil, text: nil)
            }
        }
        let swiss = try IBAN(parsing: "CH9300762011623852957")
        #expect(throws: EPCPayload.Problem.bicRequired(country: "CH")) {
            try EPCPayload.make(name: "A", iban: swiss, bic: nil, amount: .eur(cents: 1), reference: nil, text: nil)
        }
        #expect(try EPCPayload.make(name: "A", iban: swiss, bic: "UBSWCHZH80A", amount: .eur(cents: 1), reference: nil, text: nil)
            .contains("\nUBSWCHZH80A\n"))
    }

    @Test func ibanOutsideSEPAIsRefused() throws {
        let saudi = try IBAN(parsing: "SA0380000000608010167519")
        #expect(throws: EPCPayload.Problem.ibanOutsideSEPA(country: "SA")) {
            try EPCPayload.make(name: "A", iban: saudi, bic: "RIBLSARI", amount: .eur(cents: 1), reference: nil, text: nil)
        }
    }

    @Test(arguments: [
        (Int64(1), "EUR0.01"), (10, "EUR0.10"), (2000, "EUR20.00"), (123_456, "EUR1234.56"),
        (99_999_999_999, "EUR999999999.99"),
    ])
    func amountFormat(cents: Int64, text: String) throws {
        let payload = try EPCPayload.make(name: "A", iban: be, bic: nil, amount: .eur(cents: cents), reference: nil, text: nil)
        #expect(elements(payload)[7] == text)
    }

    @Test func amountOutOfRange() throws {
        for cents: Int64 in [0, -1, 100_000_000_000] {
            #expect(throws: EPCPayload.Problem.amountOutOfRange) {
                try EPCPayload.make(name: "A", iban: be, bic: nil, amount: .eur(cents: cents), reference: nil, text: nil)
            }
        }
        let usd = try #require(Currency(code: "USD"))
        #expect(throws: EPCPayload.Problem.currency("USD")) {
            try EPCPayload.make(name: "A", iban: be, bic: nil, amount: Money(minorUnits: 100, currency: usd), reference: nil, text: nil)
        }
    }

    @Test func nameLimits() throws {
        #expect(throws: EPCPayload.Problem.nameEmpty) {
            try EPCPayload.make(name: "  ", iban: be, bic: nil, amount: .eur(cents: 1), reference: nil, text: nil)
        }
        // 70 characters are allowed, counted as characters even when each takes two bytes.
        let seventy = String(repeating: "Ł", count: 70)
        #expect(elements(try EPCPayload.make(name: seventy, iban: be, bic: nil, amount: .eur(cents: 1), reference: nil, text: nil))[5] == seventy)
        #expect(throws: EPCPayload.Problem.nameTooLong(71)) {
            try EPCPayload.make(name: seventy + "a", iban: be, bic: nil, amount: .eur(cents: 1), reference: nil, text: nil)
        }
        #expect(throws: EPCPayload.Problem.controlCharacter(element: 6)) {
            try EPCPayload.make(name: "Acme\nBV", iban: be, bic: nil, amount: .eur(cents: 1), reference: nil, text: nil)
        }
    }

    @Test func textLimits() throws {
        let ok = String(repeating: "x", count: 140)
        #expect(elements(try EPCPayload.make(name: "A", iban: be, bic: nil, amount: .eur(cents: 1), reference: nil, text: ok))[10] == ok)
        #expect(throws: EPCPayload.Problem.textTooLong(141)) {
            try EPCPayload.make(name: "A", iban: be, bic: nil, amount: .eur(cents: 1), reference: nil, text: ok + "x")
        }
        #expect(throws: EPCPayload.Problem.informationTooLong(71)) {
            try EPCPayload.make(name: "A", iban: be, bic: nil, amount: .eur(cents: 1), reference: nil, text: nil,
                                information: String(repeating: "i", count: 71))
        }
    }

    /// The whole payload may take 331 bytes of UTF-8 and not one more.
    @Test func threeHundredThirtyOneByteLimit() throws {
        let name = String(repeating: "Ş", count: 70)  // 140 bytes
        func make(_ text: String) throws -> String {
            try EPCPayload.make(name: name, iban: be, bic: "GKCCBEBBXXX", amount: .eur(cents: 99_999_999_999), reference: nil, text: text)
        }
        let fixed = try make("x").utf8.count - 1
        let room = EPCPayload.maxBytes - fixed  // bytes left for the text: fewer than its 140 characters
        #expect(room > 0 && room < 140)
        let exact = String(repeating: "e", count: room)
        #expect(try make(exact).utf8.count == 331)
        #expect(throws: EPCPayload.Problem.tooLong(332)) { try make(exact + "e") }
        // Two-byte characters count twice towards the bytes, once towards the 140 characters.
        #expect(throws: EPCPayload.Problem.tooLong(332)) { try make(String(repeating: "é", count: 1) + String(exact.dropFirst(2)) + "e") }
        // And 331 bytes fit QR version 13 at level M, the EPC maximum.
        let matrix = try QRCode.matrix(try make(exact), maxVersion: QRCode.epcMaxVersion)
        #expect(matrix.size <= 17 + 4 * 13)
    }

    @Test func invalidReferencesAreRefused() {
        for bad in ["+++123/4567/89003+++", "12345678900", "RF17539007547034", "RF", "hello"] {
            #expect(throws: EPCPayload.Problem.self) {
                try EPCPayload.make(name: "A", iban: be, bic: nil, amount: .eur(cents: 1), reference: bad, text: nil)
            }
        }
    }
}

@Suite("QR code")
struct QRCodeTests {
    @Test func smallPayloadIsVersion1WithFinderPatterns() throws {
        let (size, modules) = try QRCode.matrix("HELLO")
        #expect(size == 21)
        #expect(modules.count == size * size)
        // The top-left finder pattern: a dark 7×7 ring around a light ring around a dark 3×3 core.
        for i in 0..<7 {
            #expect(modules[i] && modules[6 * size + i] && modules[i * size] && modules[i * size + 6])
        }
        #expect(!modules[1 * size + 1] && modules[3 * size + 3])
    }

    @Test func versionLimit() throws {
        let long = String(repeating: "a", count: 332)
        #expect(throws: QRCode.Problem.versionTooHigh(14, max: 13)) { try QRCode.matrix(long, maxVersion: 13) }
        #expect(throws: QRCode.Problem.empty) { try QRCode.matrix("") }
    }
}
