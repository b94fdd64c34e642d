import Dunning
import Foundation
import GRDB
import Ingest
import Ledger
import Store
import Testing

/// `DunningRun` on a real SQLite ledger: events, ladder state, letters and queued e-mails written
/// together; reruns that change nothing; payments that stop a queued reminder; one step a night.
@Suite struct DunningRunTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("IngestTests/Fixtures").path
    static let night = Day(iso: "2026-11-21")!

    /// A ledger with the bank fixtures' debtors and invoices, and the composer of a Belgian company.
    struct Setup {
        let dir: String
        let store: LedgerStore
        let planner: Planner
        let composer: ReminderComposer

        init() throws {
            dir = NSTemporaryDirectory() + "relance-run-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            store = try LedgerStore(path: dir + "/relance.sqlite")
            try Self.ingest(store, .debtors, "debtors-nl.csv", asOf: "2026-11-01")
            try Self.ingest(store, .invoices, "bank/bank-invoices.csv", asOf: "2026-11-01")
            var rules = ClaimRules()
            // The published rates, and the second half of 2026 as a user would add it.
            rules.rates = try RateTable.parse("[b2b_late_payment]\n\"2026-H2\" = \"10.5\"\n")
            planner = Planner(ladders: [.b2b: try Ladder.parse(DefaultLadders.b2b, file: "b2b"),
                                        .b2c: try Ladder.parse(DefaultLadders.b2c, file: "b2c")], rules: rules)
            let creditor = Creditor(name: "Facturatie NV", enterpriseNumber: "0428.759.497", addressLines: ["Kunstlaan 1", "1000 Brussel"],
                                    city: "Brussel", iban: try IBAN(parsing: "BE68 5390 0754 7034"), bic: "GKCCBEBB",
                                    email: "boekhouding@facturatie.example", phone: "+32 2 123 45 67")
            composer = ReminderComposer(creditor: creditor, templates: try ReminderTemplates(folder: nil), rules: rules)
        }

        static func ingest(_ store: LedgerStore, _ kind: IngestKind, _ file: String, asOf: String) throws {
            _ = try Ingestor.run(store: store, files: [DunningRunTests.fixtures + "/" + file],
                                 options: .guarded(kind, asOf: Day(iso: asOf)!)) { _ in }
        }

        @discardableResult
        func run(_ day: Day, hold: String? = nil, batchSize: Int = 256, lettersDir: String? = nil) throws -> DunningRun.Summary {
            var o = DunningRun.Options(asOf: day, lettersDir: lettersDir ?? dir + "/letters", holdReason: hold)
            o.now = { Date(timeIntervalSince1970: 1_795_000_000) }
            o.batchSize = batchSize
            return try DunningRun.run(store: store, planner: planner, composer: composer, options: o)
        }

        /// Every row the run writes, as text, to compare two states.
        func dump() throws -> String {
            try store.pool.read { db in
                try ["dunning_event", "dunning_event_item", "dunning_state", "outbox_message", "outbox_recipient", "outbox_attachment"]
                    .map { t in try Row.fetchAll(db, sql: "SELECT * FROM \(t) ORDER BY 1, 2").map(\.description).joined(separator: "\n") }
                    .joined(separator: "\n--\n")
            }
        }

        func events(_ debtor: String) throws -> [Row] {
            try store.pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT e.*, \(DunningEventRecord.documentPathSQL("e")) AS letter_path, \(DunningEventRecord.computationSQL("e")) AS computation_json, m.state AS mail_state, message_text(m.text_body, m.bodies_z, bd.text_z) AS text_body FROM dunning_event e JOIN debtor d ON d.id = e.debtor_id
                    LEFT JOIN outbox_message m ON m.id = e.outbox_message_id LEFT JOIN outbox_body_dictionary bd ON bd.id = m.bodies_dictionary_id WHERE d.debtor_key = ? ORDER BY e.id
                    """, arguments: [debtor])
            }
        }

        func state(_ invoice: String) throws -> Row? {
            try store.pool.read { db in
                try Row.fetchOne(db, sql: "SELECT s.* FROM dunning_state s JOIN invoice i ON i.id = s.invoice_id WHERE i.invoice_number = ?",
                                 arguments: [invoice])
            }
        }
    }

    @Test func aNightWritesOneReminderPerDebtorAndARerunChangesNothing() throws {
        let s = try Setup()
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        let first = try s.run(Self.night)
        #expect(first.errors.isEmpty && first.plan.errors.isEmpty)
        #expect(first.reminders == first.plan.reminders && first.reminders >= 3)
        let counts = try s.store.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dunning_event") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_message WHERE origin = 'dunning'") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT debtor_id) FROM dunning_event") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dunning_state") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dunning_event_item WHERE advanced = 1") ?? 0)
        }
        #expect(counts.0 == first.reminders && counts.2 == counts.0, "one event per debtor")
        #expect(counts.1 == first.emails)
        #expect(counts.3 == counts.4, "every item that moved has its ladder state")

        // K001 is a consumer with an e-mail and an address: e-mail and letter, the letter attached.
        let k001 = try s.events("K001")
        #expect(k001.count == 1)
        let path: String = try #require(k001.first?["letter_path"])
        #expect(FileManager.default.fileExists(atPath: path))
        #expect((k001.first?["channels"] as String?) == "email+letter")
        let json: String = try #require(k001.first?["computation_json"])
        let computation = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(computation["step"] as? String == "reminder-1" && (computation["items"] as? [Any])?.count == 2)
        #expect(computation["announced_damages"] as? String == "68.00", "capped once on the reminded balance of €560: €65 + 5 % of the €60 above €500")
        // The walk leaves the items' descriptions out (0046): the reminder reads them by primary key.
        let text: String = try #require(k001.first?["text_body"])
        #expect(text.contains("Consultancy"), "\(text)")

        let before = try s.dump()
        let again = try s.run(Self.night)
        #expect(again.reminders == 0 && again.emails == 0)
        #expect(try s.dump() == before, "a rerun for the same day writes nothing")
    }

    /// The batches are composed and written behind the plan (`BatchWriter`): one debtor a batch,
    /// every batch queued while the plan goes on, writes the same rows, ids and letters as one batch.
    @Test func batchesWrittenBehindThePlanWriteWhatOneBatchWrites() throws {
        let one = try Setup(), many = try Setup()
        defer { for s in [one, many] { try? FileManager.default.removeItem(atPath: s.dir) } }
        let a = try one.run(Self.night, batchSize: 10_000)
        let b = try many.run(Self.night, batchSize: 1)
        #expect(b.reminders >= 3)
        let countsOne: [Int] = [a.reminders, a.emails, a.letters, a.worklist, a.alreadyDone]
        let countsMany: [Int] = [b.reminders, b.emails, b.letters, b.worklist, b.alreadyDone]
        #expect(countsOne == countsMany)
        #expect(a.claimed.totals == b.claimed.totals)
        #expect(a.errors.map { $0.debtor } == b.errors.map { $0.debtor })
        let (rowsOne, rowsMany) = (try one.dump(), try many.dump())
        #expect(rowsOne.replacingOccurrences(of: one.dir, with: "") == rowsMany.replacingOccurrences(of: many.dir, with: ""))
        let folder = "/letters/" + Self.night.description
        let files = try FileManager.default.contentsOfDirectory(atPath: one.dir + folder).sorted()
        let filesMany = try FileManager.default.contentsOfDirectory(atPath: many.dir + folder).sorted()
        #expect(files.count == a.letters && files == filesMany)
        for f in files {
            let (x, y) = (FileManager.default.contents(atPath: one.dir + folder + "/" + f), FileManager.default.contents(atPath: many.dir + folder + "/" + f))
            #expect(x != nil && x == y, "letter \(f)")
        }
        let again = try many.run(Self.night, batchSize: 1), againOne = try one.run(Self.night, batchSize: 10_000)
        #expect(again.reminders == 0 && again.worklist == 0 && again.alreadyDone == againOne.alreadyDone)
        #expect(try many.dump() == rowsMany, "a rerun for the same day writes nothing")
    }

    /// A batch that fails behind the plan stops the run with its error, and no batch after it is written.
    @Test func aBatchThatFailsBehindThePlanStopsTheRun() throws {
        let s = try Setup(), whole = try Setup()
        defer { for x in [s, whole] { try? FileManager.default.removeItem(atPath: x.dir) } }
        let all = try whole.run(Self.night, batchSize: 1)
        // The letters' folder cannot be made: a file stands where its parent should be.
        #expect(FileManager.default.createFile(atPath: s.dir + "/not-a-folder", contents: Data("x".utf8)))
        #expect(throws: (any Error).self) { try s.run(Self.night, batchSize: 1, lettersDir: s.dir + "/not-a-folder/letters") }
        // Only the batches before the first one with a letter were written (one debtor a batch).
        let (written, withLetter) = try s.store.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dunning_event") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dunning_event WHERE document_path IS NOT NULL") ?? 0)
        }
        #expect(withLetter == 0 && written < all.reminders + all.worklist)
        let excluded = try s.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dunning_exclusion") ?? 0 }
        #expect(excluded == 0, "a run that failed stores no exclusions")
    }

    @Test func aPaymentBeforeTheFlushCancelsTheQueuedReminderAndTheNextRunUsesTheNewFigures() throws {
        let s = try Setup()
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        try s.run(Self.night)
        #expect(try s.state("BK-1") != nil && s.state("BK-2") != nil)
        // The bank statement pays BK-1 and BK-7 (K001) in full, BK-2 (K002) in part, and every other reminded invoice.
        _ = try BankIngestor.run(store: s.store, files: [Self.fixtures + "/bank/statement-042.cod"], format: .coda,
                                 options: .guarded(.payments, asOf: Self.night)) { _ in }
        for debtor in ["K001", "K002"] {
            let e = try s.events(debtor)
            #expect(e.count == 1 && (e[0]["status"] as String) == "cancelled" && (e[0]["mail_state"] as String) == "cancelled", "\(debtor)")
            #expect((e[0]["cancel_reason"] as String?)?.contains("payment") == true)
        }
        // Their invoices are back where they were: never reminded.
        #expect(try s.state("BK-1") == nil && s.state("BK-7") == nil && s.state("BK-2") == nil)
        // K004 paid BK-4 naming it in the free text: its reminder is stopped too.
        #expect(try (s.events("K004").first?["mail_state"] as String?) == "cancelled")

        let rerun = try s.run(Self.night)
        #expect(rerun.reminders == 1, "only K002, for what is left")
        #expect(try s.events("K001").count == 1)
        let k002 = try s.events("K002")
        #expect(k002.count == 2 && (k002[1]["status"] as String) == "queued" && (k002[1]["balance_minor"] as Int64) == 20_000)
        #expect((k002[1]["text_body"] as String).contains("200,00"))
    }

    /// Writes a CSV file in the test's folder and ingests it.
    func ingestCSV(_ s: Setup, _ kind: IngestKind, _ name: String, _ text: String, dryRun: Bool = false) throws {
        try text.write(toFile: s.dir + "/" + name, atomically: true, encoding: .utf8)
        var options = IngestOptions.guarded(kind, asOf: Self.night)
        options.dryRun = dryRun
        _ = try Ingestor.run(store: s.store, files: [s.dir + "/" + name], options: options) { _ in }
    }

    @Test func anIngestWithoutTheGuardOrADryRunCancelsNothing() throws {
        let s = try Setup()
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        try s.run(Self.night)
        let credit = """
            invoice_number,debtor_id,issue_date,due_date,amount,type
            CN-9,K002,2026-11-20,2026-11-20,-50.00,credit_note

            """
        try ingestCSV(s, .invoices, "credit.csv", credit, dryRun: true)
        #expect((try s.events("K002").first?["status"] as String?) == "queued", "a dry run cancels nothing")
        // An ingest run by a caller that gives no guard (Ingest alone) leaves the reminder; the next guarded one stops it.
        try credit.write(toFile: s.dir + "/credit.csv", atomically: true, encoding: .utf8)
        _ = try Ingestor.run(store: s.store, files: [s.dir + "/credit.csv"], options: IngestOptions(kind: .invoices, asOf: Self.night)) { _ in }
        #expect((try s.events("K002").first?["status"] as String?) == "queued")
        let stopped = try s.store.pool.write { db in try ReminderGuard.cancelOutdated(db, at: Date(timeIntervalSince1970: 1_795_000_100)) }
        #expect(stopped.map(\.reason) == ["a credit note arrived for this debtor"])
        #expect((try s.events("K002").first?["mail_state"] as String?) == "cancelled")
    }

    @Test func aCreditNoteOrAPaymentNamingNoInvoiceAlsoStopsTheQueuedReminder() throws {
        let s = try Setup()
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        try s.run(Self.night)
        // A credit note for K002, and a payment from K004 naming an invoice the ledger does not know (left unapplied).
        try ingestCSV(s, .invoices, "credit.csv", """
            invoice_number,debtor_id,issue_date,due_date,amount,type
            CN-9,K002,2026-11-20,2026-11-20,-50.00,credit_note

            """)
        try ingestCSV(s, .payments, "unapplied.csv", """
            payment_id,date,amount,currency,invoice_number,debtor_id
            P-K004,2026-11-21,20.00,EUR,NOT-AN-INVOICE,K004

            """)
        let k002 = try s.events("K002"), k004 = try s.events("K004")
        #expect((k002.first?["status"] as String?) == "cancelled" && (k002.first?["cancel_reason"] as String?) == "a credit note arrived for this debtor")
        #expect((k004.first?["status"] as String?) == "cancelled" && (k004.first?["cancel_reason"] as String?) == "a payment from this debtor arrived")
        #expect((k004.first?["mail_state"] as String?) == "cancelled")
        // K001 is untouched: its e-mail still goes out.
        #expect((try s.events("K001").first?["mail_state"] as String?) == "queued")
    }

    @Test func aPaymentWithTheRemindersCommunicationSettlesTheRemindedInvoices() throws {
        let s = try Setup()
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        try s.run(Self.night)
        let event = try #require(try s.events("K001").first)
        let reference = try #require(event["structured_reference"] as String?)
        #expect(reference == ReminderComposer.reference(debtorID: event["debtor_id"]).digits)
        // K001 pays the total of its reminder with the reminder's communication, naming no invoice.
        try ingestCSV(s, .payments, "pay.csv", """
            payment_id,date,amount,currency,structured_reference
            P-K001,2026-11-22,560.00,EUR,\(StructuredReference(base: reference.prefix(10))!.formatted)

            """)
        let rows = try s.store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT i.invoice_number, i.status, a.rule FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id
                JOIN payment p ON p.id = a.payment_id WHERE p.payment_key = 'P-K001' ORDER BY i.invoice_number
                """).map { "\($0[0] as String) \($0[1] as String) \($0[2] as String)" }
        }
        #expect(rows == ["BK-1 closed debtor_oldest_first", "BK-7 closed debtor_oldest_first"])
        #expect((try s.events("K001").first?["status"] as String?) == "cancelled", "paid before the flush: the e-mail does not go")
    }

    @Test func staleDataHoldsTheRunAndWritesNothing() throws {
        let s = try Setup()
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        let before = try s.dump()
        let held = try s.run(Self.night, hold: "the last ingest was 30 h ago")
        #expect(held.held == "the last ingest was 30 h ago" && held.reminders == 0 && held.plan.reminders >= 3)
        #expect(try s.dump() == before)
    }

    @Test func laterNightsMoveOneStepAtATimeAndClaimWhatTheLawAllows() throws {
        let s = try Setup()
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        try s.run(Self.night)
        // Forty nights later, after an outage: one step up, not two.
        let later = Day(iso: "2026-12-31")!
        try s.run(later)
        let k004 = try s.events("K004")
        #expect(k004.map { $0["step"] as String } == ["reminder-1", "reminder-2"])
        // B2B reminder-2 claims interest from the day after the due date and the flat €40.
        let interest = try ClaimCalculator.compute(kind: .b2b, principal: .eur(cents: 8_000), due: Day(iso: "2026-10-31")!, asOf: later,
                                                   rules: s.planner.rules)
        #expect((k004[1]["fees_minor"] as Int64) == 4_000 && (k004[1]["interest_minor"] as Int64) == interest.interest.minorUnits)
        #expect((k004[1]["total_minor"] as Int64) == 8_000 + 4_000 + interest.interest.minorUnits)

        // The consumer K001: the first reminder was free and posted on a Saturday; costs only from day 15 of
        // the period that starts on the third working day after posting.
        let k001 = try s.events("K001")
        #expect(k001.map { $0["step"] as String } == ["reminder-1", "reminder-2"])
        #expect((k001[0]["fees_minor"] as Int64) == 0 && (k001[0]["interest_minor"] as Int64) == 0)
        let from = ConsumerRules.claimableFrom(firstReminder: Self.night, channel: .post)
        #expect(from == Day(iso: "2026-12-09")!)
        let json: String = k001[1]["computation_json"]
        #expect(json.contains("\"claimable_from\":\"2026-12-09\""))
        #expect((k001[1]["fees_minor"] as Int64) == 6_800, "damages capped once on the balance of €560: €65 + 5 % of €60")
        #expect(try s.state("BK-1")?["first_channel"] as String? == "post")
    }

    @Test func theConsumersFirstReminderCarriesTheMandatoryContent() throws {
        let s = try Setup()
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        try s.run(Self.night)
        let text: String = try #require(try s.events("K001").first?["text_body"])
        // K001 reads English: balance, the damages that will be claimed, the creditor and its number, what the
        // debt is for and its due date, and the payment period.
        for part in ["This first reminder is free of charge", "Balance: €560.00", "flat damages of €68.00",
                     "Creditor: Facturatie NV, enterprise number 0428.759.497", "Invoice BK-1 of 01/10/2026 for Consultancy, due on 31/10/2026",
                     "You have 14 days to pay, until 8 December 2026 inclusive", "+++900/0000/00116+++"] {
            #expect(text.contains(part), "the first reminder lacks: \(part)")
        }
    }
}

extension DunningRunTests {
    func exclusions(_ s: Setup) throws -> [String] {
        try s.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM dunning_exclusion ORDER BY level, reason, currency").map {
                "\($0["as_of"] as String) \($0["reason"] as String) \($0["level"] as String) \($0["currency"] as String) "
                    + "\($0["debtors"] as Int) \($0["items"] as Int) \($0["amount_minor"] as Int64)"
            }
        }
    }

    @Test func theNightStoresWhatItLeftOutAndWhyAndARerunReplacesIt() throws {
        let s = try Setup()
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        // K003 is on hold in the export; K001 disputes BK-7 but still owes BK-1.
        try s.store.pool.write { db in try db.execute(sql: "UPDATE invoice SET disputed = 1 WHERE invoice_number = 'BK-7'") }
        let first = try s.run(Self.night)
        #expect(first.plan.exclusions.counts.count >= 2)
        let rows = try exclusions(s)
        #expect(rows.contains("2026-11-21 debtor on hold debtor EUR 1 1 25000"), "\(rows)")
        #expect(rows.contains("2026-11-21 disputed invoice invoice EUR 1 1 6000"), "\(rows)")
        #expect(!rows.contains { $0.contains(" K00") }, "counts only, no debtor names or keys")
        #expect((try s.events("K001").first?["status"] as String?) == "queued", "K001 is reminded of BK-1")

        // The same night again: the same rows, not twice as many.
        try s.run(Self.night)
        #expect(try exclusions(s) == rows)
        // K001 settles the dispute before a rerun of the night: the row goes.
        try s.store.pool.write { db in try db.execute(sql: "UPDATE invoice SET disputed = 0 WHERE invoice_number = 'BK-7'") }
        try s.run(Self.night)
        #expect(try !exclusions(s).contains { $0.contains("disputed") })
        #expect(try exclusions(s).contains("2026-11-21 debtor on hold debtor EUR 1 1 25000"))
    }
}

extension IngestOptions {
    /// Options as the `relance` commands set them: Dunning's guard cancels the reminders an ingest outdates.
    static func guarded(_ kind: IngestKind, asOf: Day) -> IngestOptions {
        var o = IngestOptions(kind: kind, asOf: asOf)
        o.reminderGuard = ReminderGuard()
        return o
    }
}
