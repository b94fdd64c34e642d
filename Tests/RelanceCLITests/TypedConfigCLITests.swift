import Foundation
import Testing

/// A VAT rate or a company IBAN that does not read is a configuration error (78) when the workspace
/// loads, named by key and line: billing never falls back to 21 % or leaves the IBAN off an invoice.
@Suite struct TypedConfigCLITests {
    func workspace(_ dir: String, _ name: String = "ws", edit: (String) -> String) throws -> String {
        let ws = dir + "/" + name
        #expect(try CLI.run(["init", ws, "--demo"]).status == 0)
        let toml = ws + "/relance.toml"
        try edit(try String(contentsOfFile: toml, encoding: .utf8)).write(toFile: toml, atomically: true, encoding: .utf8)
        return ws
    }

    @Test func aBrokenVATRateStopsTheBillingRunAt78() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = try workspace(dir) { $0 + "\n[billing]\nvat_rate = \"21,5\"\n" }
        let check = try CLI.run(["config", "check", "--workspace", ws])
        #expect(check.status == 78 && check.stderr.contains("billing.vat_rate: expected a percentage"), "\(check.stderr)")
        let run = try CLI.run(["billing", "run", "--period", "2027-01", "--workspace", ws])
        #expect(run.status == 78 && run.stderr.contains("billing.vat_rate"), "\(run.stderr)")
    }

    @Test func aBrokenOrMissingCompanyIBANStopsTheBillingRunAt78() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let broken = try workspace(dir) { $0.replacingOccurrences(of: "BE68 5390 0754 7034", with: "BE68 5390 0754 7035") }
        let run = try CLI.run(["billing", "run", "--period", "2027-01", "--workspace", broken])
        #expect(run.status == 78 && run.stderr.contains("company.iban"), "\(run.stderr)")
        let missing = try workspace(dir, "missing") { $0.replacingOccurrences(of: "iban = \"BE68 5390 0754 7034\"", with: "iban = \"\"") }
        let none = try CLI.run(["billing", "run", "--period", "2027-01", "--workspace", missing])
        #expect(none.status == 78 && none.stderr.contains("relance.toml [company]: iban is empty"), "\(none.stderr)")
    }

    /// The nightly's billing stage gives the refusal the same status as `billing run` (78), not 65.
    @Test func theNightlyStopsAtAMissingCompanyIBANWith78LikeTheBillingRun() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = try workspace(dir) { $0.replacingOccurrences(of: "iban = \"BE68 5390 0754 7034\"", with: "iban = \"\"") }
        let env = ["RELANCE_WORKSPACE": ws, "RELANCE_MAIL_FROM": "boekhouding@demo-facturatie.example"]
        #expect(try CLI.run(["ingest", "debtors", BillingCLITests.examples + "/debtors.csv"], env: env).status == 0)
        let contracts = dir + "/contracts.csv"
        try """
            contract_id,debtor_id,plan,monthly_price,activation_date
            C-1,B-001,Pro,10.00,2025-01-01

            """.write(toFile: contracts, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["ingest", "contracts", contracts], env: env).status == 0)
        let night = try CLI.run(["nightly", "--as-of", "2027-01-01"], env: env)
        #expect(night.status == 78, "\(night.stderr)")
        #expect(night.stderr.contains("relance.toml [company]: iban is empty"), "\(night.stderr)")
    }
}
