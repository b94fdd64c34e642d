import Dunning
import Foundation
import Ledger
import Testing

@Suite struct LadderTests {
    static let schedules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("schedules").path

    @Test func shippedLaddersAreValidAndEqualTheFilesUnderSchedules() throws {
        for (name, embedded) in [("ladder-b2b.toml", DefaultLadders.b2b), ("ladder-b2c.toml", DefaultLadders.b2c)] {
            let file = try String(contentsOfFile: Self.schedules + "/" + name, encoding: .utf8)
            #expect(file == embedded, "the build embeds schedules/\(name) verbatim (Plugins/EmbedDunningContent)")
            _ = try Ladder.parse(file, file: name)
        }
        let b2b = try Ladder.parse(DefaultLadders.b2b, file: "b2b")
        #expect(b2b.kind == .b2b && b2b.minimumBalance == .eur(cents: 1_000))
        #expect(b2b.steps.map(\.name) == ["courtesy", "reminder-1", "reminder-2", "formal-notice", "call", "collection-agency"])
        #expect(b2b.steps[0].trigger == .beforeDue(3) && b2b.steps[2].trigger == .afterPrevious(14) && b2b.steps[4].isManual)
        let b2c = try Ladder.parse(DefaultLadders.b2c, file: "b2c")
        #expect(b2c.steps.first.map { !$0.claimFees && !$0.claimInterest } == true)
    }

    @Test func everyProblemIsReportedWithItsKeyPathAndLine() {
        let text = """
            ladder = "b2c"
            version = 1
            minimum_balance = "ten"

            [[step]]
            name = "first"
            trigger = { after_due_days = 5 }
            channels = ["email"]
            template = "first"
            claim_fees = true

            [[step]]
            name = "first"
            trigger = { after_weeks = 2 }
            channels = ["fax"]
            template = "x"
            reminder_fee = "9.00"

            [[step]]
            name = "call"
            trigger = { after_previous_days = 7 }
            channels = ["manual"]
            """
        #expect {
            try Ladder.parse(text, file: "ladder-b2c.toml")
        } throws: { error in
            let found = (error as? Ladder.Problems)?.problems.map { "\($0.line) \($0.key)" }.sorted() ?? []
            return found == ["10 step[1].claim_fees", "13 step[2].name", "14 step[2].trigger", "15 step[2].channels",
                             "15 step[2].channels", "17 step[2].reminder_fee", "19 step[3].action", "3 minimum_balance"].sorted()
        }
    }

    @Test func aCourtesyStepComesFirstAndClaimsNothing() {
        let text = """
            ladder = "b2b"
            version = 1
            [[step]]
            name = "r1"
            trigger = { after_due_days = 1 }
            channels = ["email"]
            template = "r1"
            [[step]]
            name = "late-courtesy"
            trigger = { before_due_days = 2 }
            channels = ["email"]
            template = "c"
            claim_interest = true
            """
        #expect(throws: Ladder.Problems.self) { try Ladder.parse(text, file: "x.toml") }
    }
}
