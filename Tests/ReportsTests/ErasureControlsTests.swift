import Foundation
import GRDB
import Ledger
import Store
import Testing

@testable import Reports

/// `relance debtor erase` and the credit controller's controls (issue 14): notes go, reasons and the
/// journal's details are blanked, the journal keeps who, when and what.
@Suite struct ErasureControlsTests {
    @Test func erasureBlanksNotesReasonsAndJournalDetails() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        try l.store.pool.write { db in
            try db.execute(sql: "INSERT INTO debtor_note (debtor_id, at, who, text) VALUES (1, '2026-11-20T10:00:00.000Z', 'alice', 'Mr X is ill')")
            try db.execute(sql: "UPDATE debtor SET on_hold = 1, hold_reason = 'Mr X is ill' WHERE id = 1")
            try ActionJournal.append(db, at: seedNow, who: "alice", action: "hold", debtorID: 1, detail: ["reason": "Mr X is ill"])
        }
        _ = try DebtorErasure.erase(debtorKey: "K001", store: l.store, workspaceRoot: l.dir, outFolder: l.dir + "/out",
                                    pickupFile: { l.dir + "/" + $0 }, force: true, actor: "alice@finance", at: seedNow)
        let (notes, reason, journal) = try l.store.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM debtor_note"),
             try String.fetchOne(db, sql: "SELECT hold_reason FROM debtor WHERE id = 1"),
             try String.fetchAll(db, sql: "SELECT who || ' ' || action || ' ' || detail FROM action_journal"))
        }
        #expect(notes == 0)
        #expect(reason == "erased")
        #expect(journal == ["alice hold {}"])
        // Anything but that blanking stays refused.
        #expect(throws: DatabaseError.self) { try l.store.pool.write { db in try db.execute(sql: "UPDATE action_journal SET who = 'bob'") } }
    }
}
