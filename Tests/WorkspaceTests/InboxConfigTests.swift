import Foundation
import Testing
import Workspace

/// `[inbox]` and `[dunning]` in `relance.toml`.
@Suite struct InboxConfigTests {
    @Test func aNewWorkspaceWritesTheDefaultsAndTheyMatchByPattern() throws {
        let dir = NSTemporaryDirectory() + "relance-ws-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = Workspace(root: dir)
        try ws.create(demo: false)
        let c = try ws.config()
        #expect(c.inbox == InboxConfig())
        #expect(c.dunning.promiseGraceDays == 3)
        #expect(c.inbox.mode(for: "Invoices-2026-11-21.CSV")?.description == "invoices")
        #expect(c.inbox.mode(for: "debtors.csv")?.description == "debtors")
        #expect(c.inbox.mode(for: "reminders-old-system.csv")?.description == "reminders")
        #expect(c.inbox.mode(for: "statement.cod")?.description == "coda")
        #expect(c.inbox.mode(for: "notes.txt") == nil)
    }

    @Test func modesAreTheCommandLinesWordsAndTheMostSpecificPatternWins() throws {
        let c = try WorkspaceConfig.parse("""
            config_version = 1
            [inbox]
            "*.csv" = "payments"
            "invoices*.csv" = "invoices --snapshot"
            "register*.csv" = "payments --booked"
            "*.cod" = "coda"
            [dunning]
            promise_grace_days = 5
            """, file: "relance.toml")
        #expect(c.inbox.mode(for: "invoices-1.csv") == InboxConfig.Mode(kind: "invoices", snapshot: true))
        #expect(c.inbox.mode(for: "register_nov.csv")?.description == "payments --booked")
        #expect(c.inbox.mode(for: "bank.csv")?.description == "payments")
        #expect(c.inbox.mode(for: "x.cod")?.description == "coda")
        #expect(c.inbox.mode(for: "debtors.csv")?.description == "payments", "[inbox] replaces the defaults")
        #expect(c.dunning.promiseGraceDays == 5)
    }

    @Test func badModesAreReportedWithKeyAndLine() throws {
        let text = """
            config_version = 1
            [inbox]
            "a*.csv" = "payments --snapshot"
            "b*.csv" = "bills"
            "c*.csv" = 3
            [dunning]
            promise_grace_days = -1
            colour = "red"
            """
        #expect {
            try WorkspaceConfig.parse(text, file: "relance.toml")
        } throws: { error in
            (error as? ConfigProblems)?.problems.map { "\($0.line) \($0.key)" }.sorted()
                == ["3 inbox.a*.csv", "4 inbox.b*.csv", "5 inbox.c*.csv", "7 dunning.promise_grace_days", "8 dunning.colour"]
        }
    }
}
