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
        #expect(c.company.iban == "BE68539007547034" && c.company.enterpriseNumber == "0428.759.497")
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
