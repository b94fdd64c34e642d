import Foundation
import GRDB
import Ledger
import Store
import Testing

/// The Store enums are the only spelling of the words the outbox, Peppol and billing tables store:
/// each enum lists exactly the words its column's CHECK admits, in the migrated schema.
struct StoredWordsTests {
    /// The words of `CHECK (column IN ('a', 'b'))`, or of `CHECK (column = 'a' OR column = 'b' OR …)` (migration
    /// 0045's form), in `table`'s CREATE statement.
    func checkedWords(_ db: Database, table: String, column: String) throws -> Set<String> {
        let sql = try #require(try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                                                   arguments: [table]))
        let range = NSRange(sql.startIndex..., in: sql)
        let inList = try NSRegularExpression(pattern: "CHECK \\(\(column) IN \\(([^)]*)\\)")
        if let match = inList.firstMatch(in: sql, range: range) {
            let list = String(sql[try #require(Range(match.range(at: 1), in: sql))])
            return Set(list.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " '")) })
        }
        let equalities = try NSRegularExpression(pattern: "CHECK \\((\(column) = '[^']*'(?: OR \(column) = '[^']*')*)\\)")
        let match = try #require(equalities.firstMatch(in: sql, range: range), "\(table).\(column)")
        let list = String(sql[try #require(Range(match.range(at: 1), in: sql))])
        return Set(list.components(separatedBy: " OR ").map { $0.dropFirst(column.count + 4).dropLast().description })
    }

    func words<E: CaseIterable & RawRepresentable>(_: E.Type) -> Set<String> where E.RawValue == String {
        Set(E.allCases.map(\.rawValue))
    }

    @Test func eachEnumListsExactlyTheWordsItsColumnAdmits() throws {
        let db = try TestStore()
        try db.store.pool.read { d in
            let cases: [(String, String, Set<String>)] = [
                ("outbox_message", "state", words(OutboxState.self)),
                ("outbox_message", "origin", words(OutboxOrigin.self)),
                ("outbox_message", "bounce_kind", words(OutboxBounceKind.self)),
                ("outbox_recipient", "kind", words(OutboxRecipientKind.self)),
                ("outbox_recipient", "origin", words(OutboxRecipientOrigin.self)),
                ("outbox_recipient", "status", words(OutboxRecipientStatus.self)),
                ("outbox_reference", "kind", words(OutboxReferenceKind.self)),
                ("peppol_document", "state", words(PeppolState.self)),
                ("peppol_document", "document_type", words(PeppolDocumentType.self)),
                ("billing_channel", "channel", words(InvoiceChannel.self)),
                ("contract", "status", words(ContractStatus.self)),
                ("billing_ingest", "kind", words(BillingFileKind.self)),
                ("billing_line", "kind", words(BillingLineKind.self)),
            ]
            for (table, column, expected) in cases {
                let found = try checkedWords(d, table: table, column: column)
                #expect(found == expected, "\(table).\(column)")
            }
        }
    }

    @Test func theDueStatesAreThoseOfThePartialIndexes() throws {
        let db = try TestStore()
        for (index, due) in [("outbox_message_due", OutboxState.due.sqlLiteral), ("peppol_document_due", PeppolState.due.sqlLiteral)] {
            let sql = try db.store.pool.read { d in
                try String.fetchOne(d, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [index])
            }
            #expect(sql?.hasSuffix("WHERE state IN \(due)") == true, "\(index): \(sql ?? "missing")")
        }
    }

    @Test func anEventGivenAsWordsMustUseKnownWords() throws {
        let db = try TestStore()
        let id = try db.store.pool.write { d in
            try OutboxQueue.enqueue(d, NewOutboxMessage(idempotencyKey: "w", origin: .dunning, to: [OutboxMailbox(EmailAddress("a@b.example")!)],
                                                        subject: "s", textBody: "t"), at: Date(timeIntervalSince1970: 0)).rawValue
        }
        try db.store.pool.write { d in
            try OutboxEventRecord.append(d, message: id, at: "2026-11-21T08:00:00.000Z", from: "queued", to: "hold", actor: "dunning",
                                         detail: nil)
            #expect(throws: StoreError.self) {
                try OutboxEventRecord.append(d, message: id, at: "2026-11-21T08:00:00.000Z", from: "queued", to: "parked", actor: "dunning",
                                             detail: nil)
            }
            #expect(throws: StoreError.self) {
                try OutboxEventRecord.append(d, message: id, at: "2026-11-21T08:00:00.000Z", from: nil, to: "hold", actor: "someone",
                                             detail: nil)
            }
        }
        let events = try db.store.pool.read { d in try OutboxQueries.events(d, message: id) }
        #expect(events.map(\.toState) == [.queued, .hold])
        #expect(events.map(\.actor) == [.dunning, .dunning])
    }
}
