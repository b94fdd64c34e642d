import Dunning
import Foundation
import GRDB
import Ingest
import Ledger
import Store
import Testing

@Suite struct LedgerPlanTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("IngestTests/Fixtures").path

    @Test func thePlanReadsTheLedgerAndChangesNothing() throws {
        let dir = NSTemporaryDirectory() + "relance-plan-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try LedgerStore(path: dir + "/relance.sqlite")
        for (kind, file) in [(IngestKind.debtors, "debtors-nl.csv"), (.invoices, "invoices-en.csv"), (.invoices, "invoices-fr-cp1252.csv")] {
            _ = try Ingestor.run(store: store, files: [Self.fixtures + "/" + file], options: IngestOptions(kind: kind, asOf: Day(iso: "2026-11-21")!)) { _ in }
        }
        let planner = Planner(ladders: [.b2b: try Ladder.parse(DefaultLadders.b2b, file: "b2b"), .b2c: try Ladder.parse(DefaultLadders.b2c, file: "b2c")])
        var plans: [String: DebtorPlan] = [:]
        let before = try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT total_changes()") }
        let summary = try store.pool.read { db in
            try LedgerPlan.run(db, asOf: Day(iso: "2026-11-21")!, planner: planner) { plans[$0.debtor.key] = $0 }
        }
        #expect(summary.debtors == 4 && summary.errors.isEmpty)  // K005 owes nothing: F-2026-005 is settled
        // K003 (Zoë Façade BV) is on hold; K001 (a consumer) gets its free first reminder for INV-1 and F-2026-001.
        #expect(plans["K003"]?.action == .excluded(.debtorOnHold))
        #expect(plans["K001"]?.action == .remind(stepIndex: 0) && plans["K001"]?.fees.isZero == true)
        #expect(plans["K001"]?.items.map(\.item.number) == ["F-2026-001", "INV-1"])
        // K002's only open invoice is disputed: nothing to send, and the plan says why.
        #expect(plans["K002"]?.action == .nothing && plans["K002"]?.reasons == ["F-2026-002 left out: disputed invoice"])
        #expect(try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dunning_event") } == 0)
        _ = before
    }
}
