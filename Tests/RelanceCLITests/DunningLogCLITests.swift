import Foundation
import RelanceTestSupport
import Testing

/// `relance dunning log` and `dunning plan --format json` on the demo exports, after one night.
@Suite struct DunningLogCLITests {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/demo").path

    @Test func theLogListsEveryMessageWithWhatItDemandedAndItsItems() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try CLI.run(["init", "ws", "--demo"], cwd: dir, env: ["RELANCE_DEMO_DIR": Self.demo]).status == 0)
        let ws = dir + "/ws"
        for kind in ["debtors", "invoices", "payments"] {
            _ = try CLI.run(["ingest", kind, Self.demo + "/\(kind).csv", "--as-of", "2026-11-21"], cwd: ws)
        }
        let run = try CLI.run(["dunning", "run", "--as-of", "2026-11-21", "--ignore-stale"], cwd: ws)
        #expect(run.status == 0, "\(run.stderr)")
        // A debtor with overdue items, a credit note and items not yet due.
        let json = try CLI.run(["dunning", "log", "--debtor", "K1030", "--format", "json"], cwd: ws)
        #expect(json.status == 0)
        try assertGolden(json.stdout, "dunning-log-K1030.json")
        let table = try CLI.run(["dunning", "log", "--from", "2026-11-21", "--to", "2026-11-21"], cwd: ws)
        #expect(table.stdout.split(separator: "\n").count == 1 + 107)
        #expect(try CLI.run(["dunning", "log", "--from", "2026-11-22"], cwd: ws).stdout.split(separator: "\n").count == 1)
        // The plan's JSON: counts are numbers, amounts decimal strings.
        let plan = try CLI.run(["dunning", "plan", "--as-of", "2026-11-28", "--format", "json"], cwd: ws)
        #expect(plan.stdout.contains(#""items":"#) && !plan.stdout.contains(#""items":""#))
        #expect(plan.stdout.contains(#""demanded":""#))
        // Nothing is held: release lists no day, and a day without held messages is an error.
        #expect(try CLI.run(["dunning", "release"], cwd: ws).stdout.contains("no messages are held"))
        #expect(try CLI.run(["dunning", "release", "2026-11-21"], cwd: ws).status == 65)
    }
}
