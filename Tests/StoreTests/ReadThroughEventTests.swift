import Foundation
import GRDB
import Ledger
import RelanceTestSupport
import Store
import Testing

/// Issue 17, fifth round: a reminder's message names its dunning event (migration 0031a) and its
/// references are read through the event instead of stored; every reader gets what the stored
/// rows gave, and a message whose references are not exactly the event's keeps its rows.
@Suite struct ReadThroughEventTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let to = [OutboxMailbox(EmailAddress("debiteur@example.be")!, name: "Debiteur")]

    /// Debtor D1 with invoices F1, F2, F3 and a reminder event for them in which F1 and F2 advance.
    func seed(_ db: Database, key: String = "e1", letter: String? = nil) throws -> Int64 {
        if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM debtor") == 0 {
            try DebtorD1.insert(db, invoices: ["F1", "F2", "F3"], issued: "2026-10-01", due: "2026-10-31")
        }
        let event = try #require(try DunningCommands.insertEvent(db, DebtorD1.reminder(key, totalMinor: 300, documentPath: letter)))
        for (invoice, advanced) in [(1, true), (2, true), (3, false)] as [(Int64, Bool)] {
            try DunningCommands.insertItem(db, DunningEventItemRecord(
                eventID: event, invoiceID: invoice, stepIndex: advanced ? 0 : nil, advanced: advanced, openMinor: 100, daysLate: 21,
                interestMinor: 0, feeMinor: 0, prevStepIndex: nil, prevStep: nil, prevLastReminder: nil, prevFirstReminder: nil,
                prevFirstChannel: nil))
        }
        return event
    }

    func message(_ key: String, event: Int64?, references: [OutboxReference]) -> NewOutboxMessage {
        var m = NewOutboxMessage(idempotencyKey: key, origin: "dunning", to: to, subject: "s", textBody: "t")
        m.references = references
        m.dunningEvent = event
        return m
    }

    let theEvents: [OutboxReference] = [.invoice(InvoiceNumber(rawValue: "F2")), .debtor(DebtorID(rawValue: "D1")),
                                        .invoice(InvoiceNumber(rawValue: "F1"))]

    @Test func aRemindersReferencesAreReadThroughItsEventAsIfStored() throws {
        let temporary = try TemporaryStore("read-through")
        try temporary.store.pool.write { db in
            let event = try seed(db)
            let compact = try OutboxQueue.enqueue(db, message("e1", event: event, references: theEvents), at: now)
            try DunningCommands.linkMessage(db, event: event, message: compact)
            // The same references stored as rows (a message queued without its event).
            let stored = try OutboxQueue.enqueue(db, message("plain", event: nil, references: theEvents), at: now)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_reference WHERE message_id = ?", arguments: [compact.rawValue]) == 0)
            #expect(try Int64.fetchOne(db, sql: "SELECT dunning_event_id FROM outbox_message WHERE id = ?", arguments: [compact.rawValue]) == event)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_reference WHERE message_id = ?", arguments: [stored.rawValue]) == 3)
            let read = try OutboxQueries.references(db, message: compact.rawValue).map { "\($0.kind.rawValue):\($0.key)" }
            let rows = try OutboxQueries.references(db, message: stored.rawValue).map { "\($0.kind.rawValue):\($0.key)" }
            #expect(read == ["debtor:D1", "invoice:F1", "invoice:F2"])
            #expect(read == rows)
            // The export's rows of outbox_reference: both messages, in the order `SELECT *` read the stored rows.
            let exported = try Array(DataRightsCommands.tableRows(db, "outbox_reference")).map { $0.map(\.description).joined(separator: "|") }
            #expect(exported == ["1|\"debtor\"|\"D1\"", "2|\"debtor\"|\"D1\"", "1|\"invoice\"|\"F1\"",
                                 "2|\"invoice\"|\"F1\"", "1|\"invoice\"|\"F2\"", "2|\"invoice\"|\"F2\""])
            let plain = try Row.fetchAll(db, sql: "SELECT * FROM outbox_reference").map { $0.databaseValues.map(\.description).joined(separator: "|") }
            #expect(plain == exported.filter { $0.hasPrefix("2|") }, "the stored rows, as SELECT * reads them")
            // Erasure marks both; cancelling by a key finds both, by an invoice that did not advance neither.
            #expect(try ErasureCommands.markMessages(db, debtorKey: "D1", debtorID: 1).isEmpty)
            #expect(try Int64.fetchAll(db, sql: "SELECT id FROM erase_message ORDER BY id") == [compact.rawValue, stored.rawValue])
            #expect(try OutboxQueue.cancel(db, reason: "x", where: .invoice(InvoiceNumber(rawValue: "F3")), at: now).isEmpty)
            #expect(try OutboxQueue.cancel(db, reason: "paid", where: .invoice(InvoiceNumber(rawValue: "F2")), at: now) == [compact, stored])
        }
    }

    @Test func cancellingByTheDebtorFindsTheMessageThroughItsEvent() throws {
        let temporary = try TemporaryStore("read-through-debtor")
        try temporary.store.pool.write { db in
            let event = try seed(db)
            let compact = try OutboxQueue.enqueue(db, message("e1", event: event, references: theEvents), at: now)
            try DunningCommands.linkMessage(db, event: event, message: compact)
            #expect(try OutboxQueue.cancel(db, reason: "erased", where: .debtor(DebtorID(rawValue: "D2")), at: now).isEmpty)
            #expect(try OutboxQueue.cancel(db, reason: "erased", where: .debtor(DebtorID(rawValue: "D1")), at: now) == [compact])
        }
    }

    @Test func referencesThatAreNotExactlyTheEventsAreStored() throws {
        let temporary = try TemporaryStore("read-through-mismatch")
        try temporary.store.pool.write { db in
            // F3 did not advance: not the event's references.
            let more = theEvents + [.invoice(InvoiceNumber(rawValue: "F3"))]
            let a = try OutboxQueue.enqueue(db, message("a", event: try seed(db, key: "a"), references: more), at: now)
            // One missing.
            let b = try OutboxQueue.enqueue(db, message("b", event: try seed(db, key: "b"), references: Array(theEvents.prefix(2))), at: now)
            // None at all.
            let c = try OutboxQueue.enqueue(db, message("c", event: try seed(db, key: "c"), references: []), at: now)
            for (m, count) in [(a, 4), (b, 2), (c, 0)] {
                #expect(try Row.fetchOne(db, sql: "SELECT typeof(idempotency_key), dunning_event_id FROM outbox_message WHERE id = ?",
                                         arguments: [m.rawValue]) == ["typeof(idempotency_key)": "text", "dunning_event_id": nil])
                #expect(try OutboxQueries.references(db, message: m.rawValue).count == count)
            }
        }
    }

    @Test func aRemindersKeyIsTheEventsAndAMessageIsNeverQueuedTwiceForIt() throws {
        let temporary = try TemporaryStore("read-through-key")
        try temporary.store.pool.write { db in
            let event = try seed(db, key: "dunning:2026-11-21:D1:reminder-1:ab")
            let key = "dunning:2026-11-21:D1:reminder-1:ab"
            let compact = try OutboxQueue.enqueue(db, message(key, event: event, references: theEvents), at: now)
            try DunningCommands.linkMessage(db, event: event, message: compact)
            let stored = try Row.fetchOne(db, sql: "SELECT typeof(idempotency_key), CAST(idempotency_key AS TEXT) FROM outbox_message WHERE id = ?",
                                          arguments: [compact.rawValue])
            #expect(stored?[0] == "blob" && stored?[1] == String(event))
            // Every reader gets the key as text, and the Message-ID derives from it.
            #expect(try OutboxQueries.idempotencyKey(db, message: compact.rawValue) == key)
            let record = try #require(try OutboxQueries.message(db, compact.rawValue))
            #expect(record.idempotencyKey == key)
            #expect(try OutboxMessageRecord.fetchOne(db, key: compact.rawValue)?.idempotencyKey == key)
            let exported = try #require(try Array(DataRightsCommands.tableRows(db, "outbox_message")).first)
            let columns = try db.columns(in: "outbox_message").map(\.name)
            #expect(String.fromDatabaseValue(exported[try #require(columns.firstIndex(of: "idempotency_key"))]) == key)
            // Queued again under the same key, from a reminder or by hand: the same message, nothing new.
            #expect(try OutboxQueue.enqueue(db, message(key, event: event, references: theEvents), at: now) == compact)
            #expect(try OutboxQueue.enqueue(db, message(key, event: nil, references: []), at: now) == compact)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_message") == 1)
            // A text key that merely spells the event's id is another key.
            let digits = try OutboxQueue.enqueue(db, message(String(event), event: nil, references: []), at: now)
            #expect(digits != compact)
            // The database refuses a second message for the key in either form, whoever inserts it.
            let insert = """
                INSERT INTO outbox_message (idempotency_key, origin, subject, text_body, created_at, lifetime_from, next_attempt_at,
                  updated_at, dunning_event_id) VALUES (?, 'manual', 's', 't', 't', 't', 't', 't', ?)
                """
            #expect(throws: DatabaseError.self) { try db.execute(sql: insert, arguments: [key, nil]) }
            #expect(throws: DatabaseError.self) { try db.execute(sql: insert, arguments: [Data(String(event).utf8), event]) }
            #expect(throws: DatabaseError.self, "a compact key names its own event") {
                try db.execute(sql: insert, arguments: [Data("999".utf8), event])
            }
        }
    }

    @Test func aKeyQueuedAsTextFirstIsNotQueuedAgainInTheCompactForm() throws {
        let temporary = try TemporaryStore("read-through-key-text")
        try temporary.store.pool.write { db in
            let event = try seed(db, key: "k")
            let manual = try OutboxQueue.enqueue(db, message("k", event: nil, references: []), at: now)
            #expect(try OutboxQueue.enqueue(db, message("k", event: event, references: theEvents), at: now) == manual)
            let insert = """
                INSERT INTO outbox_message (idempotency_key, origin, subject, text_body, created_at, lifetime_from, next_attempt_at,
                  updated_at, dunning_event_id) VALUES (?, 'dunning', 's', 't', 't', 't', 't', 't', ?)
                """
            #expect(throws: DatabaseError.self) { try db.execute(sql: insert, arguments: [Data(String(event).utf8), event]) }
            // A message whose key is not its event's keeps its text key and stored references.
            let other = try OutboxQueue.enqueue(db, message("other", event: event, references: theEvents), at: now)
            #expect(try Row.fetchOne(db, sql: "SELECT typeof(idempotency_key), dunning_event_id FROM outbox_message WHERE id = ?",
                                     arguments: [other.rawValue]) == ["typeof(idempotency_key)": "text", "dunning_event_id": nil])
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_reference WHERE message_id = ?", arguments: [other.rawValue]) == 3)
        }
    }

    @Test func aRemindersLetterIsStoredOnceAsItsEventsDocument() throws {
        let temporary = try TemporaryStore("read-through-letter")
        let letter = temporary.dir + "/out/letters/2026-11-21/D1-1-reminder-1.pdf"
        try temporary.store.pool.write { db in
            let event = try seed(db, key: "e1", letter: letter)
            var m = message("e1", event: event, references: theEvents)
            m.attachments = [OutboxAttachment(filename: "D1-1-reminder-1.pdf", content: .file(path: letter)),
                             OutboxAttachment(filename: "other.pdf", content: .file(path: "/elsewhere/other.pdf")),
                             OutboxAttachment(filename: "inline.txt", contentType: "text/plain", content: .bytes(Data("x".utf8)))]
            let id = try OutboxQueue.enqueue(db, m, at: now)
            try DunningCommands.linkMessage(db, event: event, message: id)
            // An attachment queued before with an empty path reads as stored.
            let old = try OutboxQueue.enqueue(db, message("old", event: nil, references: []), at: now)
            try db.execute(sql: "INSERT INTO outbox_attachment (message_id, position, filename, content_type, path) VALUES (?, 0, 'e', 'x/y', '')",
                           arguments: [old.rawValue])
            #expect(try String.fetchAll(db, sql: "SELECT quote(path) FROM outbox_attachment ORDER BY id") == ["''", "'/elsewhere/other.pdf'", "NULL", "''"])
            #expect(try OutboxQueries.attachments(db, message: id.rawValue).map(\.path) == [letter, "/elsewhere/other.pdf", nil])
            #expect(try OutboxQueries.attachments(db, message: old.rawValue).map(\.path) == [""])
            let columns = try db.columns(in: "outbox_attachment").map(\.name)
            let path = try #require(columns.firstIndex(of: "path"))
            #expect(try Array(DataRightsCommands.tableRows(db, "outbox_attachment")).map { String.fromDatabaseValue($0[path]) }
                    == [letter, "/elsewhere/other.pdf", nil, ""])
            _ = try ErasureCommands.markMessages(db, debtorKey: "D1", debtorID: 1)
            #expect(try ErasureCommands.fileRefs(db, debtorID: 1, headers: false).attachmentPaths.sorted() == ["/elsewhere/other.pdf", letter])
        }
    }
}
