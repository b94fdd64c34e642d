import Foundation
import GRDB
import Ledger
import RelanceTestSupport
import Store
import Testing

/// Issue 17, eleventh round: an item's step before its reminder stored as an id into
/// `dunning_step_name` (`dunning_event_item.prev_step_id`, migration 0042a), each name once. The
/// record, the export and the cancellation's restore of `dunning_state` read a row stored by id and
/// a row stored before the migration (text) alike.
@Suite struct PriorStepNameTests {
    /// `PriorStatePackedTests.seed`'s reminder: F1 and F2 written by `insertItem` (step before by id),
    /// F3 a row from before 0041a (text), F4 no state before.
    func seed(_ db: Database) throws -> Int64 { try PriorStatePackedTests().seed(db) }

    @Test func namesAreStoredOnceAndReadBackEverywhere() throws {
        let temporary = try TemporaryStore("prior-step-name")
        try temporary.store.pool.write { db in
            _ = try seed(db)
            #expect(try Row.fetchAll(db, sql: "SELECT id, name FROM dunning_step_name") == [["id": 1, "name": "reminder-1"]])
            let stored = try Row.fetchAll(db, sql: "SELECT prev_step, prev_step_id FROM dunning_event_item ORDER BY invoice_id")
            #expect(stored == [["prev_step": nil, "prev_step_id": 1], ["prev_step": nil, "prev_step_id": 1],
                               ["prev_step": "reminder-1", "prev_step_id": nil], ["prev_step": nil, "prev_step_id": nil]])
            let expected: [String?] = ["reminder-1", "reminder-1", "reminder-1", nil]
            let records = try DunningEventItemRecord.fetchAll(db, sql: DunningEventItemRecord.selectSQL + " ORDER BY invoice_id")
            #expect(records.map(\.prevStep) == expected)
            // Without the name, a row stored by id is an error, never a step silently missing.
            #expect(throws: StoreError.missingStepName) { try DunningEventItemRecord.fetchAll(db, sql: "SELECT * FROM dunning_event_item") }
            // The export: `prev_step` as if stored, the id beside it.
            let columns = try db.columns(in: "dunning_event_item").map(\.name)
            let at = try #require(columns.firstIndex(of: "prev_step"))
            #expect(try Array(DataRightsCommands.tableRows(db, "dunning_event_item")).map { String.fromDatabaseValue($0[at]) } == expected)

            // Written back unchanged: the same bytes; a renamed step is written as text.
            for record in records { try record.update(db) }
            #expect(try Row.fetchAll(db, sql: "SELECT prev_step, prev_step_id FROM dunning_event_item ORDER BY invoice_id") == stored)
            var renamed = records[0]
            renamed.prevStep = "courtesy"
            try renamed.update(db)
            #expect(try Row.fetchOne(db, sql: "SELECT prev_step, prev_step_id FROM dunning_event_item WHERE invoice_id = 1")
                == ["prev_step": "courtesy", "prev_step_id": nil])

            // A second name gets its own id; the first keeps its own.
            var item = records[1]
            item.invoiceID = 3
            item.prevStep = "courtesy"
            try db.execute(sql: "DELETE FROM dunning_event_item WHERE invoice_id = 3")
            try DunningCommands.insertItem(db, item)
            #expect(try Row.fetchAll(db, sql: "SELECT id, name FROM dunning_step_name ORDER BY id")
                == [["id": 1, "name": "reminder-1"], ["id": 2, "name": "courtesy"]])
            #expect(try DunningEventItemRecord.fetchAll(db, sql: DunningEventItemRecord.selectSQL + " ORDER BY invoice_id").map(\.prevStep)
                == ["courtesy", "reminder-1", "courtesy", nil])
        }
    }

    @Test func aCancelledReminderRestoresTheStepStoredByIdAndAsText() throws {
        let temporary = try TemporaryStore("prior-step-name-cancel")
        try temporary.store.pool.write { db in
            let event = try seed(db)
            try DunningCommands.cancelEvent(db, event: event, reason: "paid")
            #expect(try Row.fetchAll(db, sql: "SELECT invoice_id, step_index, step FROM dunning_state ORDER BY invoice_id") == [
                ["invoice_id": 1, "step_index": 0, "step": "reminder-1"],
                ["invoice_id": 2, "step_index": 0, "step": "reminder-1"],
                ["invoice_id": 3, "step_index": 0, "step": "reminder-1"],
            ])
        }
    }
}
