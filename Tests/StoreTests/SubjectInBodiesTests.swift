import Foundation
import GRDB
import Ledger
import RelanceTestSupport
import Store
import Testing

/// Issue 17, ninth round: a reminder's subject kept inside its bodies' blob (migration 0040a), the
/// column `''`; every reader gets the same text, and the retention writes it back before it drops
/// the blob.
@Suite struct SubjectInBodiesTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let to = [OutboxMailbox(EmailAddress("debiteur@example.be")!, name: "Debiteur")]
    let dictionary = "Geachte heer, mevrouw, het bedrag van € 0,00 staat open."

    @Test func theBlobKeepsTheSubjectByteForByteAndOldReadersGetTheBodies() throws {
        let subjects = ["", "Herinnering factuur F-1 – € 1.234,56 🙂", "Rappel\r\nBcc: x@y", String(repeating: "é", count: 300)]
        for subject in subjects {
            for html in [nil, "<title>\(subject)</title><p>tekst</p>"] as [String?] {
                for bodyDictionary in [nil, Array(dictionary.utf8)] {
                    let blob = try MessageBodies.compress(subject: subject, text: "tekst\n", html: html, bodyDictionary: bodyDictionary)
                    let all = try MessageBodies.decompressAll(blob, bodyDictionary: bodyDictionary)
                    #expect(all.subject.map { Array($0.utf8) } == Array(subject.utf8) && all.text == "tekst\n" && all.html == html)
                    let bodies = try MessageBodies.decompress(blob, bodyDictionary: bodyDictionary)
                    #expect(bodies.text == "tekst\n" && bodies.html == html)
                }
            }
        }
        // A blob written without a subject reads as before: no subject inside.
        let plain = try MessageBodies.compress(text: "tekst", html: "<p>tekst</p>")
        #expect(try MessageBodies.decompressAll(plain).subject == nil)
        // A damaged subject length is an error, not garbage.
        var damaged = try MessageBodies.compress(subject: "s", text: "t", html: nil, bodyDictionary: nil)
        damaged[damaged.count - 2] ^= 0xFF
        #expect(throws: StoreError.self) { try MessageBodies.decompressAll(damaged) }
    }

    /// The HTML's `<title>` repeats the subject: inside the stream it costs a few bytes.
    @Test func theSubjectInsideCostsLessThanTheColumn() throws {
        let subject = "Tweede herinnering: openstaande facturen bij Demo Facturatie BV"
        let html = "<!DOCTYPE html>\n<html lang=\"nl\">\n<head><meta charset=\"utf-8\"><title>\(subject)</title></head>\n<body><p>tekst</p></body></html>"
        let without = try MessageBodies.compress(text: "tekst", html: html, bodyDictionary: Array(dictionary.utf8))
        let with = try MessageBodies.compress(subject: subject, text: "tekst", html: html, bodyDictionary: Array(dictionary.utf8))
        #expect(with.count - without.count < 12, "subject inside: \(with.count - without.count) more bytes, column \(subject.utf8.count)")
    }

    /// `enqueue` keeps the subject of a message with a body dictionary in the blob; the record, the SQL
    /// function, the export's rows and the retention give it back; other messages keep the column.
    @Test func enqueueKeepsAReminderSubjectInTheBlobAndEveryReaderGetsIt() throws {
        let temporary = try TemporaryStore("subject-in-bodies")
        let store = temporary.store
        let subjects = ["Herinnering F-1", "Rappel — facture F-2", ""]
        var ids: [MessageID] = []
        try store.pool.write { db in
            for (i, subject) in subjects.enumerated() {
                var m = NewOutboxMessage(idempotencyKey: "k\(i)", origin: "dunning", to: to, subject: subject,
                                         textBody: "Geachte heer, mevrouw, het bedrag van € \(i)0,00 staat open.",
                                         htmlBody: "<title>\(subject)</title><p>\(i)</p>")
                m.bodyDictionary = dictionary
                ids.append(try OutboxQueue.enqueue(db, m, at: now))
            }
            ids.append(try OutboxQueue.enqueue(db, NewOutboxMessage(idempotencyKey: "plain", origin: "manual", to: to,
                                                                    subject: "Zonder woordenboek", textBody: "zonder"), at: now))
        }
        let expected = subjects + ["Zonder woordenboek"]
        try store.pool.read { db in
            #expect(try String.fetchAll(db, sql: "SELECT subject FROM outbox_message ORDER BY id") == ["", "", "", "Zonder woordenboek"])
            for (id, subject) in zip(ids, expected) {
                #expect(try #require(try OutboxQueries.message(db, id.rawValue)).subject == subject)
                #expect(try #require(try OutboxMessageRecord.fetchOne(db, key: id.rawValue)).subject == subject)
            }
            #expect(try String.fetchAll(db, sql: """
                SELECT message_subject(m.subject, m.bodies_z, d.text_z) FROM outbox_message m
                LEFT JOIN outbox_body_dictionary d ON d.id = m.bodies_dictionary_id ORDER BY m.id
                """) == expected)
            let names = try db.columns(in: "outbox_message").map(\.name)
            let exported = try Array(DataRightsCommands.tableRows(db, "outbox_message"))
            #expect(exported.map { String.fromDatabaseValue($0[names.firstIndex(of: "subject")!]) } == expected)
        }
        // The retention removes the blob and keeps the subject as an audit fact, in the column.
        try store.pool.write { db in
            try db.execute(sql: "UPDATE outbox_message SET state = 'sent', sent_at = '2026-01-01T00:00:00Z'")
            #expect(try OutboxQueue.removeBodies(db, sentBefore: now, at: now) == 4)
        }
        try store.pool.read { db in
            #expect(try String.fetchAll(db, sql: "SELECT subject FROM outbox_message ORDER BY id") == expected)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox_message WHERE bodies_z IS NOT NULL") == 0)
            for (id, subject) in zip(ids, expected) {
                let record = try #require(try OutboxQueries.message(db, id.rawValue))
                #expect(record.subject == subject && record.textBody == OutboxQueue.removedBody)
            }
        }
    }
}
