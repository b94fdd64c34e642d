import Foundation
import GRDB
import Ledger
import Store
import Testing

@testable import Reports

/// `relance debtor erase`: personal data gone everywhere, amounts kept, refusal while in flight.
@Suite struct ErasureTests {
    func erase(_ l: TempLedger, _ key: String, force: Bool = false) throws -> DebtorErasure.Outcome {
        try DebtorErasure.erase(debtorKey: key, store: l.store, workspaceRoot: l.dir, outFolder: l.dir + "/out",
                                pickupFile: { l.dir + "/out/mail/" + $0.trimmingCharacters(in: CharacterSet(charactersIn: "<>")) + ".eml" },
                                force: force, actor: "alice@finance", at: seedNow)
    }

    @Test func erasesPersonalDataAndKeepsAmounts() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        try FileManager.default.createDirectory(atPath: l.dir + "/out/letters", withIntermediateDirectories: true)
        let letter = l.dir + "/out/letters/K001-1-second_reminder.pdf"
        let other = l.dir + "/out/letters/K0011-11-first.pdf"
        _ = FileManager.default.createFile(atPath: letter, contents: Data("pdf".utf8))
        _ = FileManager.default.createFile(atPath: other, contents: Data("pdf".utf8))
        let secureDeleteBefore = try l.store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA secure_delete") }
        let outcome = try erase(l, "K001")
        let secureDeleteAfter = try l.store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA secure_delete") }
        #expect(secureDeleteAfter == secureDeleteBefore, "the erasure puts the connection's secure_delete back")
        #expect(outcome.messagesCancelled == 1)
        #expect(outcome.messagesScrubbed == 1)
        #expect(outcome.paymentsScrubbed == 1)
        #expect(outcome.historyRowsDeleted == 2)
        #expect(outcome.filesRemoved == [letter])
        #expect(FileManager.default.fileExists(atPath: other))
        try l.store.pool.read { db in
            let d = try Row.fetchOne(db, sql: "SELECT * FROM debtor WHERE debtor_key = 'K001'")!
            #expect(d["name"] as String == "erased-K001")
            for column in ["vat_number", "email", "street", "postal_code", "city", "phone"] {
                #expect((d[column] as String?) == nil, "\(column)")
            }
            #expect(d["on_hold"] as Bool == true)
            #expect(try Int64.fetchOne(db, sql: "SELECT SUM(open_minor) FROM invoice WHERE debtor_id = 1") == 3_500_00)
            #expect(try Int64.fetchOne(db, sql: "SELECT SUM(total_minor) FROM dunning_event WHERE debtor_id = 1") == 5_052_50)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record_change WHERE entity IN ('debtor', 'payment')") == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record_change WHERE entity = 'invoice'") == 1)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM debtor_account") == 0)
            let p = try Row.fetchOne(db, sql: "SELECT * FROM payment WHERE payment_key = 'P-1'")!
            #expect((p["counterparty_name"] as String?) == nil && (p["counterparty_iban"] as String?) == nil)
            #expect(p["amount_minor"] as Int64 == 700_00)
            let m = try Row.fetchOne(db, sql: "SELECT * FROM outbox_message WHERE idempotency_key = 'm1'")!
            #expect(m["state"] as String == "cancelled")
            #expect(m["subject"] as String == "[erased]" && m["text_body"] as String == "[erased]")
            #expect((m["bodies_z"] as Data?) == nil, "the compressed bodies are erased too")
            #expect(try String.fetchAll(db, sql: """
                SELECT address FROM outbox_recipient WHERE message_id = (SELECT id FROM outbox_message WHERE idempotency_key = 'm1')
                """).allSatisfy { $0.hasSuffix("@erased.invalid") })
            #expect(try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM outbox_attachment WHERE message_id = (SELECT id FROM outbox_message WHERE idempotency_key = 'm1')
                """) == 0)
            #expect(try String.fetchOne(db, sql: "SELECT note FROM promise_to_pay WHERE debtor_id = 1") == nil)
            let log = try Row.fetchOne(db, sql: "SELECT * FROM data_rights_log")!
            #expect(log["action"] as String == "erase" && log["subject"] as String == "K001" && log["actor"] as String == "alice@finance")
            #expect(!(log["detail"] as String).contains("Brasserie"))
            // Other debtors untouched.
            #expect(try String.fetchOne(db, sql: "SELECT name FROM debtor WHERE debtor_key = 'K002'") == Hostile.script)
        }
        // Nothing of the name is left in the database file or its WAL.
        for f in [l.path, l.path + "-wal"] where FileManager.default.fileExists(atPath: f) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: f))
            #expect(bytes.range(of: Data("compta@eclair.example".utf8)) == nil, "\(f)")
        }
    }

    @Test func refusesWhileAMessageIsInFlightUnlessForced() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        try FileManager.default.createDirectory(atPath: l.dir + "/out/mail", withIntermediateDirectories: true)
        let eml = l.dir + "/out/mail/r4.abc@relance.example.eml"
        _ = FileManager.default.createFile(atPath: eml, contents: Data("copy".utf8))
        #expect(throws: DebtorErasure.Refusal.self) { try erase(l, "K004") }
        #expect(try l.store.pool.read { db in try String.fetchOne(db, sql: "SELECT name FROM debtor WHERE debtor_key = 'K004'") } == Hostile.crlf)
        let outcome = try erase(l, "K004", force: true)
        #expect(outcome.forced)
        #expect(outcome.filesRemoved == [eml])
        #expect(throws: DebtorErasure.Refusal.unknownDebtor("NOPE")) { try erase(l, "NOPE") }
    }

    @Test func neverRemovesFilesOutsideTheWorkspace() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        let outside = NSTemporaryDirectory() + "relance-outside-" + UUID().uuidString + ".pdf"
        _ = FileManager.default.createFile(atPath: outside, contents: Data("x".utf8))
        defer { try? FileManager.default.removeItem(atPath: outside) }
        try l.store.pool.write { db in try db.execute(sql: "UPDATE dunning_event SET document_path = ? WHERE id = 1", arguments: [outside]) }
        _ = try erase(l, "K001")
        #expect(FileManager.default.fileExists(atPath: outside))
    }
}
