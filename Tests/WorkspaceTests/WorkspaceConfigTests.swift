import Foundation
import Ledger
import Testing
import Workspace

@Suite struct WorkspaceConfigTests {
    @Test func newWorkspaceHasFoldersAndAValidCommentedConfig() throws {
        let dir = NSTemporaryDirectory() + "relance-ws-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = Workspace(root: dir)
        try ws.create(demo: false)
        for f in Workspace.folders { #expect(FileManager.default.fileExists(atPath: ws.path(f))) }
        let c = try ws.config()
        #expect(c.defaultLanguage == "nl" && c.timeZone == "Europe/Brussels" && c.defaultCurrency == .eur)
        let perms = try FileManager.default.attributesOfItem(atPath: ws.configPath)[.posixPermissions] as? NSNumber
        #expect(perms?.intValue == 0o600)
        #expect(throws: Workspace.InitError.self) { try ws.create(demo: false) }
    }

    @Test func demoConfigIsValid() throws {
        let dir = NSTemporaryDirectory() + "relance-ws-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = Workspace(root: dir)
        try ws.create(demo: true)
        let c = try ws.config()
        #expect(c.company.iban?.value == "BE68539007547034" && c.company.enterpriseNumber == "0428.759.497")
    }

    @Test func everyProblemIsReportedWithKeyAndLine() throws {
        let text = """
            config_version = 1
            [company]
            iban = "BE68 5390 0754 7035"
            enterprise_number = "0431150351"
            [defaults]
            language = "es"
            timezone = "Mars/Olympus"
            colour = "blue"
            """
        #expect {
            try WorkspaceConfig.parse(text, file: "relance.toml")
        } throws: { error in
            (error as? ConfigProblems)?.problems.map { "\($0.line) \($0.key)" }.sorted()
                == ["3 company.iban", "4 company.enterprise_number", "6 defaults.language", "7 defaults.timezone", "8 defaults.colour"]
        }
    }

    @Test func todayIsTheWorkspaceTimeZonesDay() throws {
        var c = WorkspaceConfig()
        // 2026-03-28 23:30 UTC is already the 29th in Brussels (UTC+1).
        let instant = Date(timeIntervalSince1970: 1_774_740_600)
        #expect(c.today(now: instant) == Day(iso: "2026-03-29"))
        c.timeZone = "UTC"
        #expect(c.today(now: instant) == Day(iso: "2026-03-28"))
    }
}

/// The company identity gate, the letter identity keys and `[legal]`.
@Suite struct CompanyAndLegalConfigTests {
    @Test func aBlankCompanyNamesEveryMissingIdentityKeyWithItsLine() throws {
        let dir = NSTemporaryDirectory() + "relance-ws-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = Workspace(root: dir)
        try ws.create(demo: false)
        let c = try ws.config()
        let keys = ["company.name", "company.street", "company.postal_code", "company.city", "company.enterprise_number", "company.iban"]
        #expect(c.company.missingIdentity == keys)
        let text = try String(contentsOfFile: ws.configPath, encoding: .utf8)
        let problems = c.company.identityProblems(text: text, file: "relance.toml")
        #expect(problems.map(\.key) == keys && problems.allSatisfy { $0.line > 0 })
        #expect(problems.first?.description == "relance.toml:7:0: error: [config] company.name: required before any letter or e-mail is written (the company identity gate)")
        // Without a [company] section at all: the same keys, line 0.
        let none = try WorkspaceConfig.parse("config_version = 1\n", file: "relance.toml")
        #expect(none.company.identityProblems(text: "config_version = 1\n", file: "relance.toml").map(\.line) == Array(repeating: 0, count: 6))
    }

    @Test func theDemoKeepsItsInventedIdentityAndPasses() throws {
        let dir = NSTemporaryDirectory() + "relance-ws-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = Workspace(root: dir)
        try ws.create(demo: true)
        let c = try ws.config()
        #expect(c.company.missingIdentity.isEmpty)
        #expect(c.company.register == "RPR Brussel" && c.company.courtSeat == "Nederlandstalige afdeling Brussel")
        #expect(c.company.signatoryName == "Els Demo" && c.company.signatoryFunction == "Credit controller")
        #expect(c.legal.b2cDamagesClause && c.legal.b2cContractRate == Decimal(string: "12.5") && c.legal.b2cDamagesBasis == .balance)
    }

    @Test func aNewWorkspaceAsksForTheDamagesClauseAndDefaultsToFalse() throws {
        let dir = NSTemporaryDirectory() + "relance-ws-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = Workspace(root: dir)
        try ws.create(demo: false)
        let text = try String(contentsOfFile: ws.configPath, encoding: .utf8)
        #expect(text.contains("ANSWER THIS: do the terms your consumers accepted contain a\n# damages clause"))
        #expect(text.contains("\nb2c_damages_clause = false\n"))
        let legal = try ws.config().legal
        #expect(legal == LegalConfig())
        #expect(!legal.b2cDamagesClause && legal.b2cContractRate == nil && legal.b2bContractRate == nil && legal.b2cDamagesBasis == .balance)
    }

    @Test func legalAndLetterKeysAreValidated() throws {
        let good = try WorkspaceConfig.parse("""
            [company]
            register = "RPR Gent"
            court_seat = "afdeling Gent"
            [legal]
            b2b_contract_rate = "8.00"
            b2c_contract_rate = "7.5"
            b2c_damages_clause = true
            b2c_damages_basis = "invoice"
            """, file: "relance.toml")
        #expect(good.legal.b2bContractRate == 8 && good.legal.b2cContractRate == 7.5 && good.legal.b2cDamagesClause)
        #expect(good.legal.b2cDamagesBasis == .invoice && good.company.register == "RPR Gent")
        let text = """
            [company]
            signatory_name = " "
            [legal]
            b2b_contract_rate = "8,00"
            b2c_contract_rate = "100"
            b2c_damages_clause = "yes"
            b2c_damages_basis = "debtor"
            b2c_interest = true
            """
        #expect {
            try WorkspaceConfig.parse(text, file: "relance.toml")
        } throws: { error in
            (error as? ConfigProblems)?.problems.map { "\($0.line) \($0.key)" }.sorted() == [
                "2 company.signatory_name", "4 legal.b2b_contract_rate", "5 legal.b2c_contract_rate", "6 legal.b2c_damages_clause",
                "7 legal.b2c_damages_basis", "8 legal.b2c_interest",
            ]
        }
        #expect(throws: ConfigProblems.self) { try WorkspaceConfig.parse("[legal]\nb2b_contract_rate = \"8.125\"\n", file: "relance.toml") }
        #expect(throws: ConfigProblems.self) { try WorkspaceConfig.parse("[legal]\nb2b_contract_rate = 8\n", file: "relance.toml") }
    }
}
