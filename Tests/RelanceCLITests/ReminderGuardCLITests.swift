import Foundation
import Testing

/// The commands hand Dunning's `ReminderGuard` to Ingest and Outbox (stages never import one
/// another): a payment ingested after the night's run stops the reminder it made moot, and so does
/// the flush when the ledger changed under a queued e-mail; a dry run stops nothing.
@Suite struct ReminderGuardCLITests {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/demo").path

    func status(_ ws: String, debtor: String) throws -> String {
        let log = try CLI.run(["dunning", "log", "--debtor", debtor, "--format", "json"], cwd: ws)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]])
        return try #require(entries.last?["status"] as? String)
    }

    func sql(_ ws: String, _ statement: String) throws -> String {
        let r = try CLI.runTool("/usr/bin/sqlite3", [ws + "/relance.sqlite", statement])
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func anIngestAndAFlushStopTheRemindersTheLedgerNoLongerAgreesWith() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try CLI.run(["init", "ws", "--demo"], cwd: dir, env: ["RELANCE_DEMO_DIR": Self.demo]).status == 0)
        let ws = dir + "/ws"
        for kind in ["debtors", "invoices", "payments"] {
            _ = try CLI.run(["ingest", kind, Self.demo + "/\(kind).csv", "--as-of", "2026-11-21"], cwd: ws)
        }
        #expect(try CLI.run(["dunning", "run", "--as-of", "2026-11-21", "--ignore-stale"], cwd: ws).status == 0)
        #expect(try status(ws, debtor: "K1030") == "queued")

        // K1030 pays the oldest invoice its e-mail demands.
        try """
            payment_id,date,amount,currency,invoice_number,debtor_id
            P-GUARD-1,2026-11-22,395.00,EUR,FA2026-0323,K1030

            """.write(toFile: dir + "/pay.csv", atomically: true, encoding: .utf8)
        #expect(try CLI.run(["ingest", "payments", dir + "/pay.csv", "--as-of", "2026-11-22", "--dry-run"], cwd: ws).status == 0)
        #expect(try status(ws, debtor: "K1030") == "queued", "a dry run cancels nothing")
        #expect(try CLI.run(["ingest", "payments", dir + "/pay.csv", "--as-of", "2026-11-22"], cwd: ws).status == 0)
        #expect(try status(ws, debtor: "K1030") == "cancelled")

        // A correction that reached the ledger without an ingest (here by hand): the flush stops the e-mail before it leaves.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else {
            #expect(ProcessInfo.processInfo.environment["RELANCE_REQUIRE_TOOLS"] != "1", "sqlite3 is required")
            return
        }
        let event = try sql(ws, """
            SELECT e.id FROM dunning_event e JOIN dunning_event_item it ON it.event_id = e.id AND it.advanced = 1
            WHERE e.status = 'queued' AND e.outbox_message_id IS NOT NULL ORDER BY e.id LIMIT 1
            """)
        _ = try sql(ws, """
            UPDATE invoice SET open_minor = open_minor - 1 WHERE id = (
              SELECT invoice_id FROM dunning_event_item WHERE event_id = \(event) AND advanced = 1 ORDER BY invoice_id LIMIT 1)
            """)
        #expect(try CLI.run(["outbox", "flush", "--limit", "1", "--dry-run"], cwd: ws).status == 0)
        #expect(try sql(ws, "SELECT status FROM dunning_event WHERE id = \(event)") == "queued", "a dry run cancels nothing")
        _ = try CLI.run(["outbox", "flush", "--limit", "1"], cwd: ws)
        #expect(try sql(ws, "SELECT e.status || ' ' || m.state FROM dunning_event e JOIN outbox_message m ON m.id = e.outbox_message_id WHERE e.id = \(event)")
                == "cancelled cancelled")
    }
}
