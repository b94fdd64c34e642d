import Foundation
import GRDB
import Ledger
import RelanceTestSupport
import Store
import Testing

/// Outbox message bodies stored compressed (migration 0021) and rows stored plain before it.
@Suite struct MessageBodiesTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let to = [OutboxMailbox(EmailAddress("debiteur@example.be")!, name: "Debiteur")]

    @Test func roundTripKeepsEveryByte() throws {
        let cases: [(String, String?)] = [
            ("", nil), ("", ""), ("één regel\r\nmet = en é 🙂\u{0}", nil),
            (String(repeating: "Herinnering factuur F-1 € 1.234,56\n", count: 500), "<p>" + String(repeating: "x&amp;y ", count: 3000) + "</p>"),
        ]
        for (text, html) in cases {
            let blob = try MessageBodies.compress(text: text, html: html)
            let back = try MessageBodies.decompress(blob)
            #expect(back.text == text && back.html == html)
        }
        let big = try MessageBodies.compress(text: String(repeating: "Herinnering ", count: 1000), html: nil)
        #expect(big.count < 200, "repetitive text compresses: \(big.count) bytes")
    }

    @Test func aDamagedBlobIsAnErrorNotGarbage() throws {
        var blob = try MessageBodies.compress(text: "tekst", html: "<p>tekst</p>")
        #expect(throws: StoreError.self) { try MessageBodies.decompress(Data([2]) + blob.dropFirst()) }
        #expect(throws: StoreError.self) { try MessageBodies.decompress(blob.prefix(8)) }
        blob[blob.count - 2] ^= 0xFF
        #expect(throws: StoreError.self) { try MessageBodies.decompress(blob) }
    }

    @Test func enqueueStoresTheBodiesCompressedAndOldPlainRowsStillRead() throws {
        let temporary = try TemporaryStore("bodies")
        let store = temporary.store
        let text = String(repeating: "Uw factuur F-2026-001 van € 120,00 staat nog open.\n", count: 20)
        let html = "<html><body>" + text.replacingOccurrences(of: "\n", with: "<br>") + "</body></html>"
        let id = try store.pool.write { db in
            try OutboxQueue.enqueue(db, NewOutboxMessage(idempotencyKey: "k1", origin: "dunning", to: to, subject: "s",
                                                         textBody: text, htmlBody: html), at: now)
        }
        try store.pool.write { db in
            // A row queued before migration 0021: plain columns, no blob.
            try db.execute(sql: """
                INSERT INTO outbox_message (idempotency_key, origin, subject, text_body, html_body, created_at, lifetime_from,
                  next_attempt_at, updated_at) VALUES ('old', 'manual', 's', 'oude tekst', '<p>oud</p>', 't', 't', 't', 't')
                """)
        }
        try store.pool.read { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT text_body, html_body, length(bodies_z) AS z FROM outbox_message WHERE id = ?",
                                                    arguments: [id.rawValue]))
            #expect(row["text_body"] as String == "" && row["html_body"] as String? == nil)
            let z: Int = row["z"]
            #expect(z > 0 && z < (text.utf8.count + html.utf8.count) / 4, "compressed to \(z) bytes")
            let new = try #require(try OutboxMessageRecord.fetchOne(db, sql: "SELECT * FROM outbox_message WHERE id = ?", arguments: [id.rawValue]))
            #expect(new.textBody == text && new.htmlBody == html)
            let old = try #require(try OutboxMessageRecord.fetchOne(db, sql: "SELECT * FROM outbox_message WHERE idempotency_key = 'old'"))
            #expect(old.textBody == "oude tekst" && old.htmlBody == "<p>oud</p>")
            #expect(try String.fetchAll(db, sql: "SELECT message_text(text_body, bodies_z) FROM outbox_message ORDER BY id") == [text, "oude tekst"])
        }
    }
}
