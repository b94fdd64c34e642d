import Dunning
import Foundation
import GRDB
import Ledger
import Store
import Testing

/// The dunning tables through their record types and named queries (Store's contract): what the
/// run wrote reads back typed, and a record written back changes nothing.
@Suite struct DunningRecordsTests {
    @Test func whatTheRunWroteReadsBackTypedAndWritesBackUnchanged() throws {
        let s = try DunningRunTests.Setup()
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        let night = DunningRunTests.night
        let summary = try s.run(night)
        let before = try s.dump()
        let (events, items, states, exclusions) = try s.store.pool.read { db in
            (try DunningEventRecord.fetchAll(db, sql: DunningEventRecord.selectSQL + " ORDER BY id"),
             try DunningEventItemRecord.fetchAll(db, sql: DunningEventItemRecord.selectSQL + " ORDER BY event_id, invoice_id"),
             try DunningStateRecord.fetchAll(db, sql: "SELECT * FROM dunning_state ORDER BY invoice_id"),
             try DunningExclusionRecord.fetchAll(db, sql: "SELECT * FROM dunning_exclusion ORDER BY reason, level, currency"))
        }
        #expect(events.count == summary.reminders + summary.worklist)
        #expect(events.allSatisfy { $0.asOf == night && ($0.status == .queued || $0.status == .worklist) })
        #expect(try s.store.pool.read { db in try DunningQueries.remindedDebtors(db, on: night) } == Set(events.map(\.debtorID)))
        let first = try #require(events.first)
        #expect(!first.channels.isEmpty && first.payBy != nil && first.demandedMinor != nil)
        #expect(events.contains { $0.channels == [.email, .letter] }, "a consumer with both addresses: e-mail and letter")
        #expect(items.count >= events.count && states.count == items.filter(\.advanced).count)
        #expect(states.allSatisfy { $0.lastReminder == night && $0.ladder.hasSuffix("/v1") })
        #expect(states.contains { $0.firstChannel == .post }, "a consumer's first reminder by letter starts the period on posting")
        #expect(exclusions.allSatisfy { $0.asOf == night })

        // Written back as they were read: not a byte changes.
        try s.store.pool.write { db in
            for e in events { try e.update(db) }
            for i in items { try i.update(db) }
            for st in states { try st.update(db) }
            for x in exclusions { try x.update(db) }
        }
        #expect(try s.dump() == before)

        // The next night sees tonight's messages as the last ones.
        let last = try s.store.pool.read { db in try DunningQueries.lastMessageDays(db, before: night.adding(days: 1)) }
        #expect(Set(last.values) == [night] && last.count == events.filter { $0.status == .queued }.count)
        #expect(try s.store.pool.read { db in try DunningQueries.lastMessageDays(db, before: night) }.isEmpty)
    }

    @Test func aStoredValueOutsideTheSchemasWordsIsAnErrorThatSaysWhere() throws {
        let row: Row = ["id": 1, "idempotency_key": "k", "debtor_id": 1, "as_of": "thirty"]
        let error = #expect(throws: DunningRecordError.self) { _ = try DunningEventRecord(row: row) }
        #expect(error?.description.hasPrefix("dunning_event.as_of holds 'thirty'") == true)
        #expect(DunningChannel.split("email+fax+letter") == [.email, .letter])
        #expect(DunningChannel.joined([.email, .letter]) == "email+letter")
    }
}
