import Billing
import Foundation
import GRDB
import Ledger
import Store
import Testing
import Workspace

/// The billing stage takes the VAT rate and the company IBAN as the typed values config validation
/// made of them: no silent 21 %, no invoice without the IBAN the workspace names.
@Suite struct TypedConfigTests {
    func contract(rate: VATRate?) -> ContractSnapshot {
        ContractSnapshot(id: 1, key: "C-1", debtorID: 1, debtorKey: "B-1", language: "nl", plan: "Pro", price: .eur(cents: 10_000),
                         activation: Day(iso: "2027-01-01")!, priceAdjustedOn: Day(iso: "2027-01-01")!, series: nil, billingDay: nil,
                         terms: 14, floor: false, status: .active, end: nil, suspendedOn: nil, reactivationFeeDue: false, vatRate: rate)
    }

    @Test func theConfiguredRateAppliesUnlessTheContractNamesItsOwn() throws {
        var rules = BillingRules()
        rules.vatRate = try #require(VATRate("6"))
        let period = try #require(Month(text: "2027-01"))
        let configured = try #require(try BillingPlanner.draft(contract(rate: nil), period: period, usage: [], index: IndexTable(), rules: rules))
        #expect(configured.vat == .eur(cents: 600) && configured.lines.map(\.vatRate.text) == ["6"])
        let own = try #require(try BillingPlanner.draft(contract(rate: VATRate("5.5")), period: period, usage: [], index: IndexTable(), rules: rules))
        #expect(own.vat == .eur(cents: 550) && own.lines.map(\.vatRate.text) == ["5.5"])
    }

    @Test(arguments: ["21", "0", "5.5", "100"]) func aRateReadsAsWritten(_ text: String) throws {
        let rate = try #require(VATRate(text))
        #expect(rate.text == text && rate.percent == Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")))
    }

    @Test(arguments: ["", "21,5", "21%", "-6", "100.5", "1e1", ".5", "5.", "6.0.1", " 6"]) func aTextThatIsNoRateHasNoValue(_ text: String) {
        #expect(VATRate(text) == nil)
    }

    @Test func aBrokenConfiguredRateIsALoadProblemNotTwentyOnePercent() throws {
        for bad in ["\"21,5\"", "\"abc\"", "100", "-6"] {
            #expect {
                try WorkspaceConfig.parse("config_version = 1\n[billing]\nvat_rate = \(bad)\n", file: "relance.toml")
            } throws: { error in
                (error as? ConfigProblems)?.problems.map { "\($0.line) \($0.key)" } == ["3 billing.vat_rate"]
            }
        }
        let six = try WorkspaceConfig.parse("config_version = 1\n[billing]\nvat_rate = 6\n", file: "relance.toml")
        #expect(six.billing.vatRate.percent == 6 && six.billing.rules.vatRate.text == "6")
        #expect(try WorkspaceConfig.parse("config_version = 1\n", file: "relance.toml").billing.vatRate == .standard)
    }

    @Test func aStoredContractRateThatNoLongerReadsStopsTheRunNamingTheContract() throws {
        let w = try BillingWorkspace()
        try w.loadExamples()
        try w.store.pool.write { db in try db.execute(sql: "UPDATE contract SET vat_rate = '2l' WHERE contract_key = 'C-1001'") }
        #expect {
            try w.run("2027-01")
        } throws: { error in
            guard case .unreadableValue(let table, let column, let key, _) = error as? StoreError else { return false }
            return table == "contract" && column == "vat_rate" && key == "C-1001"
                && "\(error)".contains("relance db restore")
        }
        #expect(try w.count("SELECT COUNT(*) FROM invoice") == 0)
    }
}

/// Peppol's VAT treatment takes the same typed rate: no text re-read at the document, no `?? 0`.
@Suite struct TypedVATTreatmentTests {
    @Test func aTreatmentKeepsTheRateAndRefusesATextThatIsNone() throws {
        let six = try VATTreatment(rate: try #require(VATRate("6")), exemption: nil)
        #expect(six.category == "S" && six.rate.text == "6" && six.rate.percent == 6)
        #expect(throws: PeppolRefusal.self) { try VATTreatment(rate: "6,0", exemption: nil) }
        let zero = try VATTreatment(rate: "0", exemption: "VATEX-EU-AE")
        #expect(zero < six, "ordered by category, then by the rate's value")
    }
}
