import Foundation
import GRDB
import Ledger
import RelanceTestSupport
import Store
import Testing

/// Issue 17, tenth round: an item's days and channel before its reminder packed in one integer
/// (`dunning_event_item.prev_state`, migration 0041a). The record, the export and the
/// cancellation's restore of `dunning_state` read a packed row and a row stored before the
/// migration (text columns) alike.
@Suite struct PriorStatePackedTests {
    let d = { (s: String) in Day(iso: s)! }

    /// A stored value as text; nil for NULL.
    func text(_ value: DatabaseValue) -> String? {
        switch value.storage {
        case .null: nil
        case .int64(let v): String(v)
        case .string(let s): s
        case .double(let v): String(v)
        case .blob(let b): b.base64EncodedString()
        }
    }

    @Test func packAndUnpackRoundTripAndWhatDoesNotFitIsNotPacked() throws {
        let lasts = ["1970-01-01", "2000-02-29", "2026-11-21", "2088-12-31", "2150-06-30"]
        for last in lasts {
            for first in [nil, last, "1970-01-01", "2025-12-31"] as [String?] {
                for channel in [nil, ReminderChannel.email, .post] {
                    let packed = DunningPriorState.pack(last: d(last), first: first.map(d), channel: channel)
                    let fits = first.map { d($0) <= d(last) && d(last).daysSinceEpoch - d($0).daysSinceEpoch + 1 < 16_384 } ?? true
                    #expect((packed != nil) == fits)
                    if let packed {
                        let state = try #require(DunningPriorState.unpack(packed))
                        #expect(state.last == d(last) && state.first == first.map(d) && state.channel == channel)
                    }
                }
            }
        }
        #expect(DunningPriorState.pack(last: d("2026-11-21"), first: nil, channel: .post)! < Int64(Int32.max))
        #expect(DunningPriorState.pack(last: nil, first: d("2026-11-21"), channel: .email) == nil)
        #expect(DunningPriorState.pack(last: d("1969-12-31"), first: nil, channel: nil) == nil)
    }

    /// Debtor D1, invoices F1–F4 and one reminder on 2026-11-21 in which all four advance: F1's state
    /// before packed, F2's with no first reminder, F3's stored as text (a row from before 0041a),
    /// F4 with no state before.
    func seed(_ db: Database) throws -> Int64 {
        try DebtorD1.insert(db, invoices: ["F1", "F2", "F3", "F4"], issued: "2026-09-01", due: "2026-09-30")
        let event = try #require(try DunningCommands.insertEvent(db, DebtorD1.reminder(
            "e1", ladder: "b2c/v1", step: "reminder-2", stepIndex: 1, totalMinor: 400)))
        let before: [(Int64, Day?, Day?, ReminderChannel?)] = [
            (1, d("2026-11-07"), d("2026-10-24"), .post), (2, d("2026-11-07"), nil, nil), (4, nil, nil, nil),
        ]
        for (invoice, last, first, channel) in before {
            try DunningCommands.insertItem(db, DunningEventItemRecord(
                eventID: event, invoiceID: invoice, stepIndex: 1, advanced: true, openMinor: 100, daysLate: 52, interestMinor: 0,
                feeMinor: 0, prevStepIndex: last == nil ? nil : 0, prevStep: last == nil ? nil : "reminder-1", prevLastReminder: last,
                prevFirstReminder: first, prevFirstChannel: channel))
        }
        try db.execute(sql: """
            INSERT INTO dunning_event_item (event_id, invoice_id, step_index, advanced, open_minor, days_late, interest_minor, fee_minor,
              prev_step_index, prev_step, prev_last_reminder, prev_first_reminder, prev_first_channel)
            VALUES (?, 3, 1, 1, 100, 52, 0, 0, 0, 'reminder-1', '2026-11-07', '2026-10-31', 'email')
            """, arguments: [event])
        for invoice in Int64(1)...4 {
            try DunningCommands.advanceState(db, DunningStateRecord(
                invoiceID: invoice, ladder: "b2c/v1", stepIndex: 1, step: "reminder-2", lastReminder: d("2026-11-21"),
                firstReminder: d("2026-11-21"), firstChannel: .email))
        }
        return event
    }

    @Test func packedAndTextRowsReadTheSameEverywhere() throws {
        let temporary = try TemporaryStore("prior-state")
        try temporary.store.pool.write { db in
            let event = try seed(db)
            // F1 and F2 packed, F3 as text, F4 nothing.
            #expect(try Int.fetchAll(db, sql: "SELECT prev_state IS NOT NULL FROM dunning_event_item ORDER BY invoice_id") == [1, 1, 0, 0])
            #expect(try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM dunning_event_item WHERE prev_state IS NOT NULL
                  AND (prev_last_reminder IS NOT NULL OR prev_first_reminder IS NOT NULL OR prev_first_channel IS NOT NULL)
                """) == 0)
            let expected: [[String?]] = [
                ["0", "reminder-1", "2026-11-07", "2026-10-24", "post"], ["0", "reminder-1", "2026-11-07", nil, nil],
                ["0", "reminder-1", "2026-11-07", "2026-10-31", "email"], [nil, nil, nil, nil, nil],
            ]
            let records = try DunningEventItemRecord.fetchAll(db, sql: DunningEventItemRecord.selectSQL + " ORDER BY invoice_id")
            #expect(records.map { [$0.prevStepIndex.map(String.init), $0.prevStep, $0.prevLastReminder?.description,
                                    $0.prevFirstReminder?.description, $0.prevFirstChannel?.rawValue] } == expected)
            // The export: the text columns as if stored.
            let columns = try db.columns(in: "dunning_event_item").map(\.name)
            let rows = try Array(DataRightsCommands.tableRows(db, "dunning_event_item"))
            let names = ["prev_step_index", "prev_step", "prev_last_reminder", "prev_first_reminder", "prev_first_channel"]
            let at = try names.map { try #require(columns.firstIndex(of: $0)) }
            #expect(rows.map { row in at.map { text(row[$0]) } } == expected)
            // A record written through GRDB packs as `insertItem` does.
            var copy = records[0]
            copy.eventID = event
            copy.invoiceID = 2
            try db.execute(sql: "DELETE FROM dunning_event_item WHERE invoice_id = 2")
            try copy.insert(db)
            #expect(try DunningEventItemRecord.fetchOne(db, sql: DunningEventItemRecord.selectSQL + " WHERE invoice_id = 2") == copy)
            #expect(try Int.fetchOne(db, sql: "SELECT prev_last_reminder IS NULL AND prev_state IS NOT NULL FROM dunning_event_item WHERE invoice_id = 2") == 1)
        }
    }

    @Test func aCancelledReminderRestoresThePackedAndTheTextState() throws {
        let temporary = try TemporaryStore("prior-state-cancel")
        try temporary.store.pool.write { db in
            let event = try seed(db)
            try DunningCommands.cancelEvent(db, event: event, reason: "paid")
            let states = try Row.fetchAll(db, sql: """
                SELECT invoice_id, step_index, step, last_reminder, first_reminder, first_channel FROM dunning_state ORDER BY invoice_id
                """).map { row in (0..<6).map { text(row[$0] as DatabaseValue) ?? "nil" } }
            #expect(states == [
                ["1", "0", "reminder-1", "2026-11-07", "2026-10-24", "post"],
                ["2", "0", "reminder-1", "2026-11-07", "nil", "nil"],
                ["3", "0", "reminder-1", "2026-11-07", "2026-10-31", "email"],
            ])
        }
    }
}
