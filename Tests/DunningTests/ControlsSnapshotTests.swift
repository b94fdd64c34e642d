import Dunning
import Foundation
import GRDB
import Ingest
import Ledger
import Store
import Testing

/// What the planner learns from the credit controller's controls (issue 14): a hold ends after its
/// last day, an open promise pauses until its date plus the grace days, a broken promise not yet
/// followed by a reminder is flagged.
@Suite struct ControlsSnapshotTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("IngestTests/Fixtures").path

    func snapshot(_ store: LedgerStore, _ key: String, asOf: String) throws -> DebtorSnapshot? {
        var found: DebtorSnapshot? = nil
        try store.pool.read { db in
            try SnapshotReader(db: db).forEachDebtor(asOf: Day(iso: asOf)!) { if $0.key == key { found = $0 } }
        }
        return found
    }

    @Test func holdsPromisesAndBrokenPromisesReachTheSnapshot() throws {
        let dir = NSTemporaryDirectory() + "relance-controls-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try LedgerStore(path: dir + "/relance.sqlite")
        for (kind, file) in [(IngestKind.debtors, "debtors-nl.csv"), (.invoices, "invoices-en.csv")] {
            _ = try Ingestor.run(store: store, files: [Self.fixtures + "/" + file], options: IngestOptions(kind: kind, asOf: Day(iso: "2026-11-21")!)) { _ in }
        }
        let actor = Actor(who: "tester", at: Date(timeIntervalSince1970: 1_795_000_000), today: Day(iso: "2026-11-21")!)
        try store.pool.write { db in
            _ = try Controls.hold(db, debtor: "K004", reason: "talks", until: Day(iso: "2026-11-30"), by: actor)
            _ = try Promises.add(db, debtor: "K001", amount: "500.00", date: Day(iso: "2026-11-25")!, invoices: [], graceDays: 3, by: actor)
        }
        #expect(try snapshot(store, "K004", asOf: "2026-11-30")?.onHold == true)
        #expect(try snapshot(store, "K004", asOf: "2026-12-01")?.onHold == false)
        #expect(try snapshot(store, "K001", asOf: "2026-11-21")?.promisedUntil == Day(iso: "2026-11-28"))
        #expect(try snapshot(store, "K001", asOf: "2026-11-21")?.brokenPromise == nil)
        try store.pool.write { db in _ = try Promises.review(db, asOf: Day(iso: "2026-11-29")!, by: actor) }
        let after = try snapshot(store, "K001", asOf: "2026-11-29")
        #expect(after?.promisedUntil == nil)
        #expect(after?.brokenPromise == Day(iso: "2026-11-25"))
    }
}
