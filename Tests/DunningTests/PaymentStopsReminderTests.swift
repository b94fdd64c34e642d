import Dunning
import Foundation
import GRDB
import Ingest
import Ledger
import Store
import Testing

/// End to end: a payment in a bank statement closes the right invoice and its reminder leaves the
/// next plan; a Peppol invoice is dunned like a CSV one.
@Suite struct PaymentStopsReminderTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("IngestTests/Fixtures").path
    let asOf = Day(iso: "2026-11-21")!

    func plan(_ store: LedgerStore) throws -> [String: DebtorPlan] {
        let planner = Planner(ladders: [.b2b: try Ladder.parse(DefaultLadders.b2b, file: "b2b"), .b2c: try Ladder.parse(DefaultLadders.b2c, file: "b2c")])
        var plans: [String: DebtorPlan] = [:]
        _ = try store.pool.read { db in try LedgerPlan.run(db, asOf: asOf, planner: planner) { plans[$0.debtor.key] = $0 } }
        return plans
    }

    func reminded(_ p: DebtorPlan?) -> [String] { p?.items.filter(\.advances).map(\.item.number) ?? [] }

    @Test func codaAndCamtPaymentsStopTheirRemindersAndUBLInvoicesAreDunned() throws {
        let dir = NSTemporaryDirectory() + "relance-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try LedgerStore(path: dir + "/relance.sqlite")
        func ingest(_ kind: IngestKind, _ file: String, asOf day: String) throws {
            _ = try Ingestor.run(store: store, files: [Self.fixtures + "/" + file], options: .guarded(kind, asOf: Day(iso: day)!)) { _ in }
        }
        try ingest(.debtors, "debtors-nl.csv", asOf: "2026-11-01")
        try ingest(.invoices, "bank/bank-invoices.csv", asOf: "2026-11-01")
        _ = try UBLIngestor.run(store: store, paths: [Self.fixtures + "/bank/ubl"], options: .guarded(.invoices, asOf: asOf)) { _ in }
        let before = try plan(store)
        // K001 is a consumer: BK-1 (due 2026-10-31) and BK-7 (due 2026-11-02) get their free first reminder.
        #expect(reminded(before["K001"]) == ["BK-1", "BK-7"])
        #expect(reminded(before["K002"]) == ["BK-2"])
        // The Peppol invoice of Zoë Façade BV (K003) is planned like any other; K003 is on hold, so it shows as excluded.
        #expect(before["K003"]?.items.map(\.item.number).contains("UBL-2026-001") == true)
        #expect(before["peppol:0208:0539930110"]?.items.map(\.item.number).contains("UBL-2026-002") == true)

        _ = try BankIngestor.run(store: store, files: [Self.fixtures + "/bank/statement-042.cod"], format: .coda,
                                 options: .guarded(.payments, asOf: asOf)) { _ in }
        let after = try plan(store)
        // BK-1 and BK-7 were paid in full: K001 has nothing left to remind.
        #expect(after["K001"] == nil || reminded(after["K001"]).isEmpty)
        // BK-2 was paid in part: still reminded, for what is left.
        #expect(reminded(after["K002"]) == ["BK-2"] && after["K002"]?.balance == .eur(cents: 20_000))
    }
}
