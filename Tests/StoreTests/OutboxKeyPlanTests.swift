import GRDB
import RelanceTestSupport
import Store
import Testing

/// `OutboxMessageKeySQL.messageWithKey` reads a reminder's events through `DunningEventKey.idsSQL`, a
/// `UNION ALL` that SQLite flattens into the outer one: the same index searches, in the same order, as
/// with the join written out in each part, and nothing scanned, sorted, materialised or run as a
/// co-routine (the program stops at the first id found).
@Suite struct OutboxKeyPlanTests {
    @Test func aMessageIsFoundByItsKeyThroughIndexSearchesAlone() throws {
        let temporary = try TemporaryStore("store")
        try temporary.store.pool.read { (db: Database) throws -> Void in
            let key = "dunning:2026-11-21:K1:first:ab"
            let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + OutboxMessageKeySQL.messageWithKey, arguments: [key])
                .map { $0["detail"] as String }
            #expect(plan.filter { !$0.hasPrefix("SEARCH") && !$0.hasSuffix("QUERY") && !$0.hasSuffix("SUBQUERY")
                                  && $0 != "UNION ALL" && !$0.contains("SCALAR SUBQUERY") } == [], "\(plan)")
            #expect(plan.filter { $0.hasPrefix("SEARCH") } == [
                "SEARCH outbox_message USING COVERING INDEX sqlite_autoindex_outbox_message_1 (idempotency_key=?)",
                "SEARCH ke USING COVERING INDEX dunning_event_by_key (idempotency_key=?)",
                "SEARCH m USING COVERING INDEX sqlite_autoindex_outbox_message_1 (idempotency_key=?)",
                "SEARCH ke USING INDEX dunning_event_by_debtor (debtor_id=? AND as_of=?)",
                "SEARCH kd USING COVERING INDEX sqlite_autoindex_debtor_1 (debtor_key=?)",
                "SEARCH kd USING INTEGER PRIMARY KEY (rowid=?)",
                "SEARCH m USING COVERING INDEX sqlite_autoindex_outbox_message_1 (idempotency_key=?)",
            ], "\(plan)")
            let program = try Row.fetchAll(db, sql: "EXPLAIN " + OutboxMessageKeySQL.messageWithKey, arguments: [key])
                .map { $0["opcode"] as String }
            #expect(!program.contains { $0 == "OpenEphemeral" || $0 == "InitCoroutine" }, "\(program)")
        }
    }
}
