import Foundation
import GRDB
import Ledger
import RelanceTestSupport
import Store
import Testing

/// Outbox message bodies stored compressed (migration 0021; with a preset dictionary since issue 17)
/// and rows stored plain or without the dictionary before.
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
        #expect(throws: StoreError.self) { try MessageBodies.decompress(Data([9]) + blob.dropFirst()) }
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

    /// The dictionary is frozen: rows written with it name it only by their format byte.
    @Test func theBodyDictionaryIsFrozen() throws {
        #expect(MessageBodies.dictionaryV1.count == 14_282)
        #expect(adler32(MessageBodies.dictionaryV1) == 1_142_140_822, "dictionary 1 changed: rows written with it would no longer read")
    }

    /// A blob of format 1 (zlib without dictionary, written from migration 0021 until issue 17) still reads.
    @Test func aBlobWrittenWithoutTheDictionaryStillReads() throws {
        let hex = "0119000000789ce362606060cc2f4d49552849cd2e2eb129b003726cf40bec0050ef074f"
        let blob = Data(stride(from: 0, to: hex.count, by: 2).map { i in
            UInt8(String(Array(hex)[i..<(i + 2)]), radix: 16) ?? 0
        })
        let back = try MessageBodies.decompress(blob)
        #expect(back.text == "oude tekst" && back.html == "<p>oud</p>")
    }

    /// A reminder in the shipped wording costs far less with the dictionary than the same zlib without it.
    @Test func theDictionaryShrinksABodyInTheTemplatesWording() throws {
        let text = """
            Geachte heer, mevrouw,

            Bij nazicht van onze boekhouding stellen wij vast dat de volgende facturen nog niet betaald zijn.

            Wij vragen u het openstaande bedrag van € 219,74 te betalen vóór 5 december 2026 op rekening BE68 5390 0754 7034 \
            met de mededeling +++900/0000/00621+++. Heeft u intussen betaald, dan danken wij u en mag u deze herinnering als \
            niet verzonden beschouwen.
            """
        let html = "<p>" + text.replacingOccurrences(of: "\n\n", with: "<br></p>\n<p>") + "<br></p>"
        let blob = try MessageBodies.compress(text: text, html: html)
        #expect(blob.first == 2)
        var packed = [UInt8](repeating: 0, count: 5) + Array(text.utf8) + Array(html.utf8)
        packed[4] = 1
        let plain = try PresetDictionaryZlib.deflate(packed, dictionary: [])
        #expect(blob.count * 2 < plain.count, "with the dictionary \(blob.count) bytes, without \(plain.count)")
        let back = try MessageBodies.decompress(blob)
        #expect(back.text == text && back.html == html)
    }

    /// Format 3: a body dictionary on top of dictionary 1; it reads back only with that dictionary.
    @Test func aBodyDictionaryShrinksTheBodiesAndIsNeededToReadThem() throws {
        let dictionary = "Geachte heer, mevrouw,\n\nWij vragen u het openstaande bedrag van € 0,00 te betalen op rekening BE68 5390 0754 7034 "
            + "bij Demo Facturatie BV, boekhouding@demo-facturatie.example, +32 2 123 45 67.\n"
        let text = "Geachte heer, mevrouw,\n\nWij vragen u het openstaande bedrag van € 219,74 te betalen op rekening BE68 5390 0754 7034 "
            + "bij Demo Facturatie BV, boekhouding@demo-facturatie.example, +32 2 123 45 67.\n"
        let html = "<p>" + text + "</p>"
        let with = try MessageBodies.compress(text: text, html: html, bodyDictionary: Array(dictionary.utf8))
        let without = try MessageBodies.compress(text: text, html: html)
        #expect(with.first == 3 && without.first == 2)
        #expect(with.count < without.count, "with the body dictionary \(with.count) bytes, without \(without.count)")
        let back = try MessageBodies.decompress(with, bodyDictionary: Array(dictionary.utf8))
        #expect(back.text == text && back.html == html)
        #expect(throws: StoreError.missingBodyDictionary) { try MessageBodies.decompress(with) }
        #expect(throws: StoreError.self) { try MessageBodies.decompress(with, bodyDictionary: Array("another".utf8)) }
        #expect(try MessageBodies.decompress(without, bodyDictionary: Array("ignored".utf8)).text == text)
    }

    /// `enqueue` stores a body dictionary once per distinct text; the message names it, the record
    /// read through `OutboxQueries.message` and `message_text(…, dictionary)` give the same bytes back.
    @Test func enqueueStoresEachBodyDictionaryOnce() throws {
        let temporary = try TemporaryStore("body-dictionary")
        let store = temporary.store
        let dictionaries = ["Geachte heer, mevrouw, het bedrag van € 0,00 staat open.", "Madame, Monsieur, le montant de € 0,00 reste impayé."]
        var ids: [MessageID] = []
        try store.pool.write { db in
            for i in 0..<4 {
                var m = NewOutboxMessage(idempotencyKey: "k\(i)", origin: "dunning", to: to, subject: "s",
                                         textBody: "Geachte heer, mevrouw, het bedrag van € \(i)0,00 staat open.", htmlBody: "<p>\(i)</p>")
                m.bodyDictionary = dictionaries[i % 2]
                ids.append(try OutboxQueue.enqueue(db, m, at: now))
            }
            try OutboxQueue.enqueue(db, NewOutboxMessage(idempotencyKey: "plain", origin: "manual", to: to, subject: "s", textBody: "zonder"), at: now)
        }
        try store.pool.read { db in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox_body_dictionary") == 2)
            #expect(try Int.fetchOne(db, sql: "SELECT count(DISTINCT bodies_dictionary_id) FROM outbox_message") == 2)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox_message WHERE bodies_dictionary_id IS NULL") == 1)
            for (i, id) in ids.enumerated() {
                let record = try #require(try OutboxQueries.message(db, id.rawValue))
                #expect(record.textBody == "Geachte heer, mevrouw, het bedrag van € \(i)0,00 staat open." && record.htmlBody == "<p>\(i)</p>")
            }
            #expect(try String.fetchAll(db, sql: """
                SELECT message_text(m.text_body, m.bodies_z, d.text_z) FROM outbox_message m
                LEFT JOIN outbox_body_dictionary d ON d.id = m.bodies_dictionary_id ORDER BY m.id
                """) == (0..<4).map { "Geachte heer, mevrouw, het bedrag van € \($0)0,00 staat open." } + ["zonder"])
            #expect(throws: (any Error).self) { try String.fetchAll(db, sql: "SELECT message_text(text_body, bodies_z) FROM outbox_message") }
            let stored = try OutboxQueries.bodyDictionaries(db)
            #expect(Set(stored.values.map { String(decoding: $0, as: UTF8.self) }) == Set(dictionaries))
        }
    }

    /// The dictionaries remembered between calls are a hint only: another database, or a row whose
    /// transaction rolled back and whose id another dictionary then took, gets the right row.
    @Test func aRememberedBodyDictionaryIsUsedOnlyWhereTheDatabaseHoldsIt() throws {
        let (x, y, z, w) = ("x " + UUID().uuidString, "y " + UUID().uuidString, "z " + UUID().uuidString, "w " + UUID().uuidString)
        func text(_ db: Database, _ id: Int64) throws -> String? {
            try Data.fetchOne(db, sql: "SELECT text_z FROM outbox_body_dictionary WHERE id = ?", arguments: [id])
                .map { String(decoding: try MessageBodies.bodyDictionary(stored: $0), as: UTF8.self) }
        }
        let first = try TemporaryStore("body-dictionary-a"), second = try TemporaryStore("body-dictionary-b")
        let xInFirst = try first.store.pool.write { db in try MessageBodies.bodyDictionaryID(db, x) }
        #expect(try first.store.pool.write { db in try MessageBodies.bodyDictionaryID(db, x) } == xInFirst)
        try second.store.pool.write { db in
            let yID = try MessageBodies.bodyDictionaryID(db, y)
            #expect(yID == xInFirst)  // the same id, another text: the remembered row must not be taken
            let xID = try MessageBodies.bodyDictionaryID(db, x)
            let (xText, yText) = (try text(db, xID), try text(db, yID))
            #expect(xID != yID && xText == x && yText == y)
        }
        let third = try TemporaryStore("body-dictionary-c")
        struct Rollback: Error {}
        #expect(throws: Rollback.self) {
            try third.store.pool.write { db in _ = try MessageBodies.bodyDictionaryID(db, z); throw Rollback() }
        }
        try third.store.pool.write { db in
            let wID = try MessageBodies.bodyDictionaryID(db, w)
            let zID = try MessageBodies.bodyDictionaryID(db, z)
            let (zText, wText) = (try text(db, zID), try text(db, wID))
            #expect(zID != wID && zText == z && wText == w)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox_body_dictionary") == 2)
        }
    }

    /// The remembered primed stream (issue 17, tenth round) compresses as a stream primed afresh with
    /// dictionary 1 and the text's bytes; a non-ASCII text and its decomposed form (canonically equal,
    /// other bytes) get a row each, as the blobs need their own bytes.
    @Test func theRememberedStreamIsPrimedWithTheBodyDictionarysBytes() throws {
        let composed = "Geachte klant, € 12,50 — café " + UUID().uuidString
        let decomposed = composed.replacingOccurrences(of: "é", with: "e\u{0301}")
        #expect(composed == decomposed && Array(composed.utf8) != Array(decomposed.utf8))
        var g = SystemRandomNumberGenerator()
        let t = try TemporaryStore("body-dictionary-primed")
        try t.store.pool.write { db in
            for round in 0..<3 {
                let (id, primed) = try MessageBodies.bodyDictionary(db, composed)
                let body = "Beste klant \(round),\n" + String(repeating: "café € 12,50 ", count: Int.random(in: 0...400, using: &g))
                let html = round == 1 ? nil : "<p>" + body + "</p>"
                let blob = try MessageBodies.compress(subject: "s", text: body, html: html, primed: primed)
                #expect(blob == (try MessageBodies.compress(subject: "s", text: body, html: html, bodyDictionary: Array(composed.utf8))))
                #expect(blob != (try MessageBodies.compress(subject: "s", text: body, html: html, bodyDictionary: Array(decomposed.utf8))))
                #expect(try MessageBodies.bodyDictionaryID(db, composed) == id)
            }
            let other = try MessageBodies.bodyDictionary(db, decomposed)
            #expect(other.id != (try MessageBodies.bodyDictionaryID(db, composed)))
            let blob = try MessageBodies.compress(subject: nil, text: "x", html: nil, primed: other.primed)
            #expect(try MessageBodies.decompress(blob, bodyDictionary: Array(decomposed.utf8)).text == "x")
        }
        // Format 2 from its shared primed stream, and any dictionary: the bytes of a stream primed afresh.
        #expect(MessageBodies.primedV1 != nil)
        for (dictionary, primed) in [(MessageBodies.dictionaryV1, MessageBodies.primedV1),
                                     (DunningComputation.dictionaryV1, try? PrimedDeflate(dictionary: DunningComputation.dictionaryV1))] {
            for n in [0, 1, 7, 100, 3_000] {
                let input = (0..<n).map { _ in UInt8.random(in: 32...126, using: &g) } + Array(String(repeating: "Herinnering € 12,50 ", count: n / 10).utf8)
                let fresh = try PresetDictionaryZlib.deflate(input, dictionary: dictionary)
                #expect(try PresetDictionaryZlib.deflate(input, primed: try #require(primed)) == fresh)
                if !input.isEmpty { #expect(try PresetDictionaryZlib.inflate(fresh, from: 0, dictionary: dictionary, length: input.count) == input) }
            }
        }
    }

    private func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        return b << 16 | a
    }
}

/// The computation JSON of a reminder stored compressed (migration 0026a) and old plain rows.
@Suite struct DunningComputationTests {
    static let json = """
        {"as_of":"2026-11-21","kind":"b2b","ladder":"b2b/v1","step":"reminder-1","currency":"EUR","balance":"219.74",\
        "unapplied":"0.00","demanded":"219.74","interest":"0.00","fees":"0.00","reminder_fees":"0.00","announced_damages":"0.00",\
        "total":"219.74","pay_by":"2026-12-05","day_count":"actual/365","contract_rate":null,"items":[{"invoice":"FA2026-0512",\
        "credit_note":false,"open":"219.74","due":"2026-10-09","days_late":43,"step":"reminder-1","advances":true,"excluded":null}]}
        """

    @Test func roundTripKeepsEveryByteAndIsSmall() throws {
        for json in [Self.json, "{}", "", "{\"note\":\"é 🙂 \\u0000\"}", String(repeating: Self.json, count: 40)] {
            #expect(try DunningComputation.decompress(DunningComputation.compress(json)) == json)
        }
        let blob = try DunningComputation.compress(Self.json)
        #expect(blob.count * 4 < Self.json.utf8.count, "\(Self.json.utf8.count) bytes of JSON stored in \(blob.count)")
    }

    /// A business reminder with interest (issue 17, fourth round): two items whose explanations
    /// restate their periods, interest and flat compensation.
    static let withInterest = """
        {"as_of":"2026-12-05","kind":"b2b","ladder":"b2b/v1","step":"reminder-2","currency":"EUR","balance":"2721.12","unapplied":"0.00",\
        "demanded":"2721.12","interest":"72.87","fees":"80.00","reminder_fees":"0.00","announced_damages":"0.00","total":"2873.99",\
        "pay_by":"2026-12-19","day_count":"actual/365","contract_rate":null,"items":[{"invoice":"INV-2026-0044599","credit_note":false,\
        "open":"785.54","due":"2026-06-06","days_late":182,"step":"reminder-2","advances":true,"excluded":null,"interest":"41.13",\
        "flat":"40.00","claimable_from":null,"periods":[{"from":"2026-06-07","to":"2026-06-30","days":24,"rate":"10.5","amount":"5.42"},\
        {"from":"2026-07-01","to":"2026-12-05","days":158,"rate":"10.5","amount":"35.70"}],"explanation":["785.54 × 10.5% × 24/365 \
        (2026-06-07 to 2026-06-30) = 5.42","785.54 × 10.5% × 158/365 (2026-07-01 to 2026-12-05) = 35.70","interest 41.13 = the periods' \
        exact sum, half-up to the minor unit, once","flat recovery compensation 40.00 (law of 2 August 2002, art. 6)"]},\
        {"invoice":"INV-2026-0051059","credit_note":false,"open":"1935.58","due":"2026-10-09","days_late":57,"step":"reminder-2",\
        "advances":true,"excluded":null,"interest":"31.74","flat":"40.00","claimable_from":null,"periods":[{"from":"2026-10-10",\
        "to":"2026-12-05","days":57,"rate":"10.5","amount":"31.74"}],"explanation":["1935.58 × 10.5% × 57/365 (2026-10-10 to \
        2026-12-05) = 31.74","interest 31.74 = the periods' exact sum, half-up to the minor unit, once","flat recovery compensation \
        40.00 (law of 2 August 2002, art. 6)"]}]}
        """

    @Test func explanationsThatRestateThePeriodsAreLeftOutAndComeBackByteForByte() throws {
        let blob = try DunningComputation.compress(Self.withInterest)
        #expect(blob.first == 2, "format 2: the explanations left out")
        #expect(try DunningComputation.decompress(blob) == Self.withInterest)
        #expect(try [UInt8](DunningComputation.decompress(blob).utf8) == [UInt8](Self.withInterest.utf8))
        let stripped = try #require(DunningComputation.strippedExplanations(Self.withInterest))
        #expect(stripped.components(separatedBy: #""explanation":0"#).count == 3 && !stripped.contains("recovery"))
        // Any explanation the figures do not give is kept as written (format 1 when none is left out).
        let changed = Self.withInterest.replacingOccurrences(of: "= 5.42", with: "= 5.43")
        let partly = try DunningComputation.compress(changed)
        let partlyBack = try DunningComputation.decompress(partly)
        #expect(partly.first == 2 && partlyBack == changed)
        let other = Self.withInterest.replacingOccurrences(of: "= 31.74", with: "= 31.75").replacingOccurrences(of: "= 5.42", with: "= 5.43")
        let kept = try DunningComputation.compress(other)
        let keptBack = try DunningComputation.decompress(kept)
        #expect(kept.first == 1 && keptBack == other)
        // A text that only looks like the output (an explanation already `0`) is not stripped: it would not come back.
        let zero = Self.withInterest.replacingOccurrences(of: #""explanation":["1935.58"#, with: #""explanation":0,"x":["1935.58"#)
        #expect(try DunningComputation.decompress(DunningComputation.compress(zero)) == zero)
        #expect(blob.count + 60 < kept.count, "\(blob.count) bytes, \(kept.count) with the explanations")
    }

    @Test func theDictionaryIsFrozenAndADamagedBlobIsAnError() throws {
        #expect(DunningComputation.dictionaryV1.count == 1_694)
        var blob = try DunningComputation.compress(Self.json)
        #expect(throws: StoreError.self) { try DunningComputation.decompress(Data([9]) + blob.dropFirst()) }
        #expect(throws: StoreError.self) { try DunningComputation.decompress(blob.prefix(8)) }
        blob[blob.count - 2] ^= 0xFF
        #expect(throws: StoreError.self) { try DunningComputation.decompress(blob) }
    }

    @Test func eventsStoreItCompressedAndOldPlainRowsStillRead() throws {
        let temporary = try TemporaryStore("computation")
        let store = temporary.store
        try store.pool.write { db in
            let debtor = try DebtorD1.insert(db)
            for (key, json) in [("new", Self.json), ("other", "{}")] {
                _ = try DunningCommands.insertEvent(db, DebtorD1.reminder(key, debtorID: debtor, totalMinor: 21_974, computation: json))
            }
            // An event written before migration 0026a: plain JSON, no blob.
            try db.execute(sql: """
                INSERT INTO dunning_event (idempotency_key, debtor_id, as_of, ladder, step, step_index, channels, language, currency,
                  balance_minor, interest_minor, fees_minor, total_minor, computation, status, created_at)
                VALUES ('old', ?, '2026-11-20', 'b2b/v1', 'reminder-1', 0, 'email', 'nl', 'EUR', 1, 0, 0, 1, '{"old":true}', 'queued', 't')
                """, arguments: [debtor])
        }
        try store.pool.read { db in
            let stored = try Row.fetchOne(db, sql: "SELECT computation, length(computation_z) AS z FROM dunning_event WHERE idempotency_key = 'new'")
            #expect(stored?["computation"] as String? == "" && (stored?["z"] as Int? ?? 0) > 0)
            let events = try DunningEventRecord.fetchAll(db, sql: "SELECT * FROM dunning_event ORDER BY id")
            #expect(events.map(\.computation) == [Self.json, "{}", "{\"old\":true}"])
            #expect(try String.fetchAll(db, sql: "SELECT dunning_computation(computation, computation_z) FROM dunning_event ORDER BY id")
                == [Self.json, "{}", "{\"old\":true}"])
        }
    }

    /// The byte-level reader of the items' figures (issue 17, eleventh round) gives what
    /// `JSONSerialization` gives, and leaves to it what it is not sure of.
    @Test func theFiguresReaderAgreesWithFoundation() throws {
        func check(_ text: String, scanned: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
            let bytes = Array(text.utf8)
            let slow = DunningComputation.itemsThroughFoundation(bytes)
            let fast = DunningComputation.items(bytes)
            #expect(fast?.items == slow?.items && fast?.yearDays == slow?.yearDays, "\(text)", sourceLocation: sourceLocation)
            #expect(((try? ComputationScan.computation(bytes)) != nil) == scanned, "\(text)", sourceLocation: sourceLocation)
        }
        func replacingFirst(_ text: String, _ a: String, _ b: String) -> String {
            guard let r = text.range(of: a) else { Issue.record("\(a) not found"); return text }
            return text.replacingCharacters(in: r, with: b)
        }
        let stripped = try #require(DunningComputation.strippedExplanations(Self.withInterest))
        for text in [Self.json, Self.withInterest, stripped, Self.withInterest + " \n"] { check(text, scanned: true) }
        let first = try #require(DunningComputation.items(Array(Self.withInterest.utf8))?.items.first?.periods?.first)
        #expect(first.from == "2026-06-07" && first.to == "2026-06-30" && first.days == 24 && first.rate == "10.5" && first.amount == "5.42")
        let w = Self.withInterest
        let variants: [(String, String, Bool)] = [
            (#""days":24"#, #""days":"24""#, true), (#""days":24"#, #""days":null"#, true), (#""days":24"#, #""days":-0"#, true),
            (#""days":24"#, #""days":[24]"#, true), (#""days":24"#, #""days":true"#, false), (#""days":24"#, #""days":24.0"#, false),
            (#""days":24"#, #""days":2.4e1"#, false), (#""days":24"#, #""days":024"#, false),
            (#""days":24"#, #""days":1234567890123456789"#, false),
            (#""open":"785.54""#, #""open":null"#, true), (#""open":"785.54""#, #""open":"78\"5\\.5\/4\n""#, true),
            (#""open":"785.54""#, #""open":785.54"#, false), (#""open":"785.54""#, #""open":"785\u002e54""#, false),
            (#""open":"785.54""#, #""open" : "785.54"  "#, true), (#""open":"785.54""#, "\"open\":\"785\t54\"", false),
            (#""flat":"40.00""#, #""flat":"40.00","flat":"41.00""#, false), (#""flat":"40.00""#, #""flat":"0.00""#, true),
            (#""flat":"40.00""#, #""flat":false"#, true), (#""interest":"41.13""#, #""interest":{"a":[1,{"b":null}]}"#, true),
            (#""periods":[{"#, #""periods":[1,{"#, true), (#""periods":[{"#, #""periods":{"x":[{"#, false),
            (#""periods":[{"#, #""periods":[{},{"#, true), (#""explanation":["#, #""explanation":null,"y":["#, true),
            (#""explanation":["#, #""explanation":"x","y":["#, true), (#""day_count":"actual/365""#, #""day_count":"365""#, true),
            (#""day_count":"actual/365""#, #""day_count":"""#, true), (#""day_count":"actual/365""#, #""day_count":365"#, false),
            (#""items":[{"#, #""items":[7,{"#, false), (#""items":[{"#, #""items":{"x":[{"#, false),
            (#""items":[{"#, #""it\u0065ms":[{"#, false), (#""kind":"b2b""#, #""kind":"b2b","kind":"b2c""#, false),
            (#""kind":"b2b""#, #""kïnd":"b2b""#, false), (#""kind":"b2b""#, #""kind":"b2b",}"#, false),
            ("{", " \r\n\t{", true), ("{", "[{", false), ("{", "\u{FEFF}{", false),
        ]
        for (a, b, scanned) in variants { check(replacingFirst(w, a, b), scanned: scanned) }
        for text in [w + "x", w + "{}", String(w.dropLast()), "", "{}", "[]", "{\"items\":[],\"day_count\":\"a/360\"}"] {
            check(text, scanned: text.hasPrefix("{\"items"))
        }
        // One character of the text replaced, removed or doubled, 3,000 times: the same figures either way.
        var seed: UInt64 = 17
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        let chars = Array(w), pieces: [Character] = ["{", "}", "[", "]", ",", ":", "\"", "\\", "0", "1", "-", ".", "e", " ", "t", "n", "x", "é"]
        for _ in 0..<3_000 {
            var c = chars
            let at = next(c.count)
            switch next(3) {
            case 0: c[at] = pieces[next(pieces.count)]
            case 1: c.remove(at: at)
            default: c.insert(c[at], at: at)
            }
            let text = String(c)
            let bytes = Array(text.utf8)
            let slow = DunningComputation.itemsThroughFoundation(bytes), fast = DunningComputation.items(bytes)
            #expect(fast?.items == slow?.items && fast?.yearDays == slow?.yearDays, "\(text)")
        }
    }

    /// The items of ``withInterest`` as `dunning_event_item` and `invoice` hold them, in another order.
    static let interestItems = [
        DunningComputation.Item(invoiceID: 3, number: "INV-2026-0051059", openMinor: 193_558, daysLate: 57),
        DunningComputation.Item(invoiceID: 7, number: "INV-2026-0044599", openMinor: 78_554, daysLate: 182),
    ]

    /// Formats 3 and 4 (issue 17, seventh round): the items' invoice numbers, open amounts and days
    /// late left to `dunning_event_item`, given back byte for byte with the items in any order.
    @Test func itemsFiguresAreLeftToTheItemsAndComeBackByteForByte() throws {
        let blob = try DunningComputation.compress(Self.withInterest, items: Self.interestItems)
        #expect(blob.first == 3, "format 3: format 2's text without the items' figures")
        #expect(DunningComputation.needsItems(blob))
        #expect(try [UInt8](DunningComputation.decompress(blob, items: Self.interestItems.reversed()).utf8) == [UInt8](Self.withInterest.utf8))
        #expect(throws: StoreError.missingComputationItems) { try DunningComputation.decompress(blob) }
        let format2 = try DunningComputation.compress(Self.withInterest)
        #expect(blob.count + 15 < format2.count, "\(blob.count) bytes, \(format2.count) with the figures")
        // Items that do not match the JSON (an open amount, two items of one invoice): stored as before.
        var wrongOpen = Self.interestItems
        wrongOpen[0].openMinor += 1
        for items in [wrongOpen, [Self.interestItems[0], Self.interestItems[0]]] {
            let kept = try DunningComputation.compress(Self.withInterest, items: items)
            let back = try DunningComputation.decompress(kept)
            #expect(kept.first == 2 && back == Self.withInterest)
        }
        // An item not among the items (one of two given; a number that differs): kept as written, the other left out.
        var wrongNumber = Self.interestItems
        wrongNumber[1].number = "INV-2026-0044598"
        for items in [[Self.interestItems[1]], wrongNumber] {
            let partly = try DunningComputation.compress(Self.withInterest, items: items)
            let partlyBack = try DunningComputation.decompress(partly, items: items)
            #expect(partly.first == 3 && partlyBack == Self.withInterest && partly.count < format2.count)
        }
        // Format 4 over format 1's text; a number that JSON escapes, a credit note, another currency's digits.
        let odd = Self.json.replacingOccurrences(of: #""invoice":"FA2026-0512""#, with: #""invoice":"F\"A\\1 é""#)
            .replacingOccurrences(of: #""credit_note":false,"open":"219.74""#, with: #""credit_note":true,"open":"-219.74""#)
        let oddItems = [DunningComputation.Item(invoiceID: 12, number: "F\"A\\1 é", openMinor: -21_974, daysLate: 43)]
        let four = try DunningComputation.compress(odd, items: oddItems)
        let fourBack = try DunningComputation.decompress(four, items: oddItems)
        #expect(four.first == 4 && fourBack == odd)
        let yen = Self.json.replacingOccurrences(of: #""currency":"EUR""#, with: #""currency":"JPY""#)
            .replacingOccurrences(of: #""open":"219.74""#, with: #""open":"21974""#)
        let yenItems = [DunningComputation.Item(invoiceID: 1, number: "FA2026-0512", openMinor: 21_974, daysLate: 43)]
        let jpy = try DunningComputation.compress(yen, items: yenItems)
        let jpyBack = try DunningComputation.decompress(jpy, items: yenItems)
        #expect(jpy.first == 4 && jpyBack == yen)
        #expect(throws: StoreError.self) { try DunningComputation.decompress(jpy, items: []) }
    }

    /// Debtor D1, invoices 3 and 7 (``interestItems``), and one reminder-2 with ``withInterest`` and its
    /// two items, written by `insertEvent` and `insertItem`; `payBy` and the items' prior step as given.
    static func seedReminder(_ db: Database, payBy: Day?, prior: (index: Int, step: String)?) throws {
        let debtor = try DebtorD1.insert(db)
        for item in interestItems {
            try db.execute(sql: """
                INSERT INTO invoice (id, invoice_number, debtor_id, type, issue_date, due_date, currency, amount_minor, open_minor, status, content_hash)
                VALUES (?, ?, ?, 'invoice', '2026-01-01', '2026-02-01', 'EUR', 1, 1, 'open', 0)
                """, arguments: [item.invoiceID, item.number, debtor])
        }
        let event = try #require(try DunningCommands.insertEvent(db, DunningEventRecord(
            idempotencyKey: "k", debtorID: debtor, asOf: Day(iso: "2026-12-05")!, ladder: "b2b/v1", step: "reminder-2",
            stepIndex: 1, channels: [.email], language: "nl", currency: "EUR", balanceMinor: 272_112, interestMinor: 7_287,
            feesMinor: 8_000, totalMinor: 287_399, computation: withInterest, documentPath: nil, status: .queued, runID: nil,
            createdAt: "t", structuredReference: nil, seenBatchID: nil, demandedMinor: 272_112, payBy: payBy), items: interestItems))
        for item in interestItems {
            try DunningCommands.insertItem(db, DunningEventItemRecord(
                eventID: event, invoiceID: item.invoiceID, stepIndex: 1, advanced: true, openMinor: item.openMinor, daysLate: item.daysLate,
                interestMinor: 0, feeMinor: 0, prevStepIndex: prior?.index, prevStep: prior?.step, prevLastReminder: nil, prevFirstReminder: nil,
                prevFirstChannel: nil))
        }
    }

    @Test func eventsWithTheirItemsReadThroughTheItemsTable() throws {
        let temporary = try TemporaryStore("computation-items")
        let store = temporary.store
        try store.pool.write { db in try Self.seedReminder(db, payBy: nil, prior: (0, "reminder-1")) }
        try store.pool.read { db in
            #expect(try Data.fetchOne(db, sql: "SELECT computation_z FROM dunning_event")?.first == 3)
            #expect(try String.fetchAll(db, sql: "SELECT \(DunningEventRecord.computationSQL("e")) FROM dunning_event e") == [Self.withInterest])
            let events = try DunningEventRecord.fetchAll(db, sql: DunningEventRecord.selectSQL)
            #expect(events.map(\.computation) == [Self.withInterest])
            #expect(throws: StoreError.missingComputationItems) { try DunningEventRecord.fetchAll(db, sql: "SELECT * FROM dunning_event") }
        }
        // Written back as read: the same blob.
        try store.pool.write { db in
            let before = try Data.fetchOne(db, sql: "SELECT computation_z FROM dunning_event")
            for e in try DunningEventRecord.fetchAll(db, sql: DunningEventRecord.selectSQL) { try e.update(db) }
            #expect(try Data.fetchOne(db, sql: "SELECT computation_z FROM dunning_event") == before)
        }
    }
}
