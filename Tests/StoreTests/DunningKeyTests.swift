import Foundation
import GRDB
import Ledger
import RelanceTestSupport
import Store
import Testing

/// Issue 17, eighth round: a reminder event's key stored as its digest (migration 0039a,
/// `DunningEventKey`). The key reads back as the same text everywhere (so a message's `Message-ID`
/// too), a rerun finds it in either form, keys of another shape stay text, and a database written
/// before the migration keeps every key.
@Suite struct DunningKeyTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    @Test func onlyAKeyThatReadsBackByteForByteIsStoredAsItsDigest() throws {
        let d = DunningEventKey.digest(key: "dunning:2026-11-21:D1:reminder-1:9a3f0c", asOf: "2026-11-21", debtorKey: "D1", step: "reminder-1")
        #expect(d == 0x9a3f0c)
        let high = try #require(DunningEventKey.digest(key: "dunning:2026-11-21:D1:r:ffffffffffffffff", asOf: "2026-11-21", debtorKey: "D1", step: "r"))
        #expect(high == -1)
        #expect(DunningEventKey.key(digest: high, asOf: "2026-11-21", debtorKey: "D1", step: "r") == "dunning:2026-11-21:D1:r:ffffffffffffffff")
        for (key, debtor, step) in [
            ("dunning:2026-11-21:D1:reminder-1:0abc", "D1", "reminder-1"),         // a leading zero
            ("dunning:2026-11-21:D1:reminder-1:ABC", "D1", "reminder-1"),          // upper case
            ("dunning:2026-11-21:D1:reminder-1:", "D1", "reminder-1"),             // no digest
            ("dunning:2026-11-21:D1:reminder-1:1ffffffffffffffff", "D1", "reminder-1"), // 65 bits
            ("dunning:2026-11-21:D1:reminder-1:+1", "D1", "reminder-1"),
            ("dunning:2026-11-21:K:2:reminder-1:ff", "K:2", "reminder-1"),         // a ':' in the debtor key
            ("dunning:2026-11-21:D1:a:b:ff", "D1", "a:b"),                         // a ':' in the step
            ("dunning:2026-11-22:D1:reminder-1:ff", "D1", "reminder-1"),           // another day
            ("dunning:2026-11-21:D2:reminder-1:ff", "D1", "reminder-1"),           // another debtor
            ("e1", "D1", "reminder-1"),
        ] {
            #expect(DunningEventKey.digest(key: key, asOf: "2026-11-21", debtorKey: debtor, step: step) == nil, "\(key)")
        }
    }

    func event(_ key: String, debtor: Int64 = 1, asOf: String = "2026-11-21", step: String = "reminder-1") -> DunningEventRecord {
        DebtorD1.reminder(key, debtorID: debtor, asOf: asOf, step: step, totalMinor: 300, createdAt: "2026-11-21T02:00:00.000Z")
    }

    @Test func aNewEventKeepsItsDigestAndEveryReaderGetsTheKeyBack() throws {
        let temporary = try TemporaryStore("dunning-key")
        try temporary.store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO debtor (debtor_key, name, kind, language, country, content_hash) VALUES ('D1', 'Debiteur', 'b2b', 'nl', 'BE', 0),
                  ('K:2', 'Twee', 'b2b', 'nl', 'BE', 0)
                """)
            let key = "dunning:2026-11-21:D1:reminder-1:8000000000000001"
            let id = try #require(try DunningCommands.insertEvent(db, event(key)))
            let stored = try #require(try Row.fetchOne(db, sql: "SELECT idempotency_key, key_digest FROM dunning_event WHERE id = ?", arguments: [id]))
            #expect(stored["idempotency_key"] as String? == nil && stored["key_digest"] as Int64? == Int64(bitPattern: 0x8000_0000_0000_0001))
            #expect(try String.fetchOne(db, sql: "SELECT \(DunningEventKey.sql()) FROM dunning_event WHERE id = ?", arguments: [id]) == key)
            // A rerun writes nothing; another step, day or digest is another event.
            #expect(try DunningCommands.insertEvent(db, event(key)) == nil)
            #expect(try DunningCommands.insertEvent(db, event("dunning:2026-11-21:D1:reminder-2:8000000000000001", step: "reminder-2")) != nil)
            // Keys of another shape stay text and are held once too.
            let odd = try #require(try DunningCommands.insertEvent(db, event("dunning:2026-11-21:K:2:reminder-1:ff", debtor: 2)))
            #expect(try String?.fetchOne(db, sql: "SELECT idempotency_key FROM dunning_event WHERE id = ?", arguments: [odd]) == "dunning:2026-11-21:K:2:reminder-1:ff")
            #expect(try DunningCommands.insertEvent(db, event("dunning:2026-11-21:K:2:reminder-1:ff", debtor: 2)) == nil)
            // The record reads the key with selectSQL, writes it back as it was stored, and refuses SELECT * alone.
            let records = try DunningEventRecord.fetchAll(db, sql: DunningEventRecord.selectSQL + " ORDER BY id")
            #expect(records.map(\.idempotencyKey) == [key, "dunning:2026-11-21:D1:reminder-2:8000000000000001", "dunning:2026-11-21:K:2:reminder-1:ff"])
            for r in records { try r.update(db) }
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dunning_event WHERE key_digest IS NOT NULL AND idempotency_key IS NULL") == 2)
            #expect(throws: StoreError.missingDunningKey) { try DunningEventRecord.fetchAll(db, sql: "SELECT * FROM dunning_event") }
            // The export writes the key as text.
            let exported = try Array(DataRightsCommands.tableRows(db, "dunning_event")).map { String.fromDatabaseValue($0[1]) }
            #expect(exported == records.map(\.idempotencyKey))
            // The message: its key and Message-ID through the event; the same key as text is refused.
            var m = NewOutboxMessage(idempotencyKey: key, origin: "dunning", to: [OutboxMailbox(EmailAddress("d@example.be")!, name: nil)],
                                     subject: "s", textBody: "t")
            m.references = [.debtor(DebtorID(rawValue: "D1"))]
            m.dunningEvent = id
            let message = try OutboxQueue.enqueue(db, m, at: now)
            #expect(try String.fetchOne(db, sql: "SELECT typeof(idempotency_key) FROM outbox_message WHERE id = ?", arguments: [message.rawValue]) == "blob")
            #expect(try OutboxQueries.idempotencyKey(db, message: message.rawValue) == key)
            m.dunningEvent = nil
            #expect(try OutboxQueue.enqueue(db, m, at: now) == message)
            #expect {
                try db.execute(sql: """
                    INSERT INTO outbox_message (idempotency_key, origin, state, subject, text_body, created_at, lifetime_from, next_attempt_at, updated_at)
                    VALUES (?, 'dunning', 'queued', 's', 't', 'x', 'x', 'x', 'x')
                    """, arguments: [key])
            } throws: { ($0 as? DatabaseError)?.message?.contains("a message with this idempotency key exists") == true }
        }
    }

    @Test func aDatabaseWrittenBeforeTheMigrationKeepsEveryKeyAndMessageID() throws {
        var config = Configuration()
        config.foreignKeysEnabled = true
        let keys = [
            "dunning:2026-11-21:D1:reminder-1:9a3f0c", "dunning:2026-11-21:D1:reminder-1:0abc", "hand-key",
            "dunning:2026-11-21:K:2:reminder-1:ff", "dunning:2026-11-22:D1:reminder-1:ffffffffffffffff",
        ]
        let debtors: [Int64] = [1, 1, 1, 2, 1]
        try upgradeLedger(from: "0035-allocation-rule-check", label: "dunning-key-upgrade", configuration: config, seed: { db in
            try db.execute(sql: """
                INSERT INTO debtor (debtor_key, name, kind, language, country, content_hash) VALUES ('D1', 'Debiteur', 'b2b', 'nl', 'BE', 0),
                  ('K:2', 'Twee', 'b2b', 'nl', 'BE', 0);
                INSERT INTO outbox_message_id_domain (domain) VALUES ('demo.example');
                """)
            for (i, key) in keys.enumerated() {
                try db.execute(sql: """
                    INSERT INTO dunning_event (idempotency_key, debtor_id, as_of, ladder, step, step_index, channels, language, currency,
                      balance_minor, interest_minor, fees_minor, total_minor, computation, status, created_at)
                    VALUES (?, ?, ?, 'b2b/v1', 'reminder-1', 0, 'email', 'nl', 'EUR', 300, 0, 0, 300, '{}', 'queued', 't')
                    """, arguments: [key, debtors[i], i == 4 ? "2026-11-22" : "2026-11-21"])
                // Each event's message as 0031b stores it: the event id's digits as its key.
                try db.execute(sql: """
                    INSERT INTO outbox_message (idempotency_key, origin, state, subject, text_body, created_at, lifetime_from, next_attempt_at,
                      updated_at, message_id_domain_id, dunning_event_id) VALUES (CAST(?1 AS BLOB), 'dunning', 'queued', 's', 't', 'x', 'x', 'x', 'x', 1, ?1)
                    """, arguments: [i + 1])
            }
        }, check: { store, _ in
            try store.pool.write { db in
                let stored = try Row.fetchAll(db, sql: "SELECT idempotency_key, key_digest FROM dunning_event ORDER BY id")
                #expect(stored.map { $0["idempotency_key"] as String? } == [nil, keys[1], keys[2], keys[3], nil])
                #expect(stored.map { $0["key_digest"] as Int64? } == [0x9a3f0c, nil, nil, nil, -1])
                #expect(try String.fetchAll(db, sql: "SELECT \(DunningEventKey.sql()) FROM dunning_event ORDER BY id") == keys)
                for (i, key) in keys.enumerated() {
                    let message = try #require(try OutboxQueries.message(db, Int64(i + 1)))
                    #expect(message.idempotencyKey == key)
                    #expect(message.messageIdHeader == OutboxMessageID.header(key: key, domain: "demo.example"))
                    // A same-day rerun finds the event and the message.
                    let e = event(key, debtor: debtors[i], asOf: i == 4 ? "2026-11-22" : "2026-11-21")
                    #expect(try DunningCommands.insertEvent(db, e) == nil, "\(key)")
                    let m = NewOutboxMessage(idempotencyKey: key, origin: "dunning", to: [OutboxMailbox(EmailAddress("d@example.be")!, name: nil)],
                                             subject: "s", textBody: "t")
                    #expect(try OutboxQueue.enqueue(db, m, at: now).rawValue == Int64(i + 1))
                }
                #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
                #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
                // The status check still refuses an unknown word.
                #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE dunning_event SET status = 'sent' WHERE id = 1") }
            }
        })
    }

    @Test func anEventsStatusCheckBuildsNoTemporaryTableAndRefusesUnknownWords() throws {
        let temporary = try TemporaryStore("dunning-status")
        try temporary.store.pool.write { db in
            try db.execute(sql: "INSERT INTO debtor (id, debtor_key, name, kind, language, country, content_hash) VALUES (1, 'D1', 'N', 'b2b', 'nl', 'BE', 0)")
            let insert = """
                INSERT INTO dunning_event (key_digest, debtor_id, as_of, ladder, step, step_index, channels, language, currency,
                  balance_minor, interest_minor, fees_minor, total_minor, computation, status, created_at)
                VALUES (?, 1, '2026-11-21', 'b2b/v1', 'reminder-1', 0, 'email', 'nl', 'EUR', 0, 0, 0, 0, '', ?, '')
                """
            let opcodes = try Row.fetchAll(db, sql: "EXPLAIN " + insert, arguments: [1, "queued"]).map { $0["opcode"] as String }
            #expect(!opcodes.isEmpty && !opcodes.contains("OpenEphemeral"))
            for (i, status) in Schema.dunningEventStatuses.enumerated() { try db.execute(sql: insert, arguments: [i, status]) }
            for status in ["sent", "Queued", ""] {
                #expect(throws: DatabaseError.self) { try db.execute(sql: insert, arguments: [9, status]) }
            }
            // Exactly one form of the key.
            #expect(throws: DatabaseError.self) { try db.execute(sql: insert.replacingOccurrences(of: "(?, 1,", with: "(NULL, 1,"), arguments: ["queued"]) }
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dunning_event") == Schema.dunningEventStatuses.count)
        }
    }
}
