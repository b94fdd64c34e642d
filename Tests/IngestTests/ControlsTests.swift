import Foundation
import GRDB
import Ingest
import Ledger
import Store
import Testing

/// The credit controller's controls against the ledger: what each writes and journals, that a
/// repeat changes nothing, that later exports do not undo them, promises kept and broken, and
/// reminders sent outside Relance.
@Suite struct ControlsTests {
    static let today = Day(iso: "2026-11-21")!
    static let actor = Actor(who: "tester", at: Date(timeIntervalSince1970: 1_795_000_000), today: today)

    func ledger() throws -> TestLedger {
        let t = try TestLedger().withDebtors()
        try t.ingest(.invoices, [t.write("inv.csv", """
            invoice_number,debtor_id,issue_date,due_date,amount,open_amount,disputed
            A1,K001,2026-09-01,2026-10-01,100.00,100.00,nee
            A2,K001,2026-09-15,2026-10-15,40.00,40.00,nee
            B1,K002,2026-11-01,2026-12-01,90.00,90.00,nee
            """)])
        return t
    }

    func write<T>(_ t: TestLedger, _ body: (Database) throws -> T) throws -> T { try t.store.pool.write { db in try body(db) } }

    @Test func aHoldAndADisputeSurviveLaterExportsUntilReleased() throws {
        let t = try ledger()
        #expect(try write(t) { try Controls.hold($0, debtor: "K001", reason: "insolvency", until: nil, by: Self.actor) } == .done("debtor K001 on hold"))
        #expect(try write(t) { try Controls.dispute($0, invoice: "A1", reason: "damaged", by: Self.actor) } == .done("invoice A1 disputed"))
        // The next exports change the rows but say nothing of the hold or the dispute.
        try t.ingest(.debtors, [t.write("d.csv", "debtor_id,name,on_hold\nK001,Renamed,nee\n")])
        try t.ingest(.invoices, [t.write("i.csv", "invoice_number,debtor_id,issue_date,due_date,amount,open_amount,disputed\nA1,K001,2026-09-01,2026-10-01,100.00,80.00,nee\n")])
        #expect(try t.debtor("K001")?.onHold == true)
        #expect(try t.invoice("A1")?.disputed == true)
        #expect(try write(t) { try Controls.release($0, debtor: "K001", by: Self.actor) } == .done("debtor K001 released"))
        #expect(try write(t) { try Controls.resolve($0, invoice: "A1", by: Self.actor) } == .done("invoice A1 dispute resolved"))
        #expect(try t.count("SELECT COUNT(*) FROM action_journal") == 4)
        #expect(try t.count("SELECT COUNT(DISTINCT at) FROM action_journal WHERE who = 'tester'") == 1)
    }

    @Test func refusalsWriteNothing() throws {
        let t = try ledger()
        #expect(throws: ControlRefusal("debtor K404 is not in the ledger")) { try write(t) { try Controls.hold($0, debtor: "K404", reason: "x", until: nil, by: Self.actor) } }
        #expect(throws: ControlRefusal("a hold needs a reason (--reason)")) { try write(t) { try Controls.hold($0, debtor: "K001", reason: " ", until: nil, by: Self.actor) } }
        #expect(throws: ControlRefusal("invoice Z9 is not in the ledger")) { try write(t) { try Controls.dispute($0, invoice: "Z9", reason: "x", by: Self.actor) } }
        #expect(throws: ControlRefusal("the promised date 2026-11-20 is in the past")) {
            try write(t) { try Promises.add($0, debtor: "K001", amount: "10", date: Day(iso: "2026-11-20")!, invoices: [], graceDays: 3, by: Self.actor) }
        }
        #expect(throws: ControlRefusal("invoice B1 is not debtor K001's")) {
            try write(t) { try Promises.add($0, debtor: "K001", amount: "10", date: Self.today, invoices: ["B1"], graceDays: 3, by: Self.actor) }
        }
        #expect(try t.count("SELECT COUNT(*) FROM action_journal") == 0)
        #expect(try t.count("SELECT COUNT(*) FROM promise_to_pay") == 0)
    }

    @Test func theJournalIsAppendOnly() throws {
        let t = try ledger()
        _ = try write(t) { try Controls.addNote($0, debtor: "K001", text: "called", by: Self.actor) }
        #expect(throws: DatabaseError.self) { try write(t) { try $0.execute(sql: "UPDATE action_journal SET who = 'someone else'") } }
        #expect(throws: DatabaseError.self) { try write(t) { try $0.execute(sql: "DELETE FROM action_journal") } }
        #expect(try t.count("SELECT COUNT(*) FROM action_journal WHERE who = 'tester'") == 1)
    }

    @Test func aPromiseIsKeptWhenPaymentsCoverItAndBrokenAfterItsGrace() throws {
        let t = try ledger()
        let kept = try write(t) {
            try Promises.add($0, debtor: "K001", amount: "100.00", date: Day(iso: "2026-11-25")!, invoices: ["A1"], graceDays: 3, by: Self.actor)
        }
        #expect(kept == .done("debtor K001 promised EUR 100.00 by 2026-11-25; no reminder until 2026-11-28"))
        _ = try write(t) { try Promises.add($0, debtor: "K002", amount: "90.00", date: Day(iso: "2026-11-25")!, invoices: [], graceDays: 2, by: Self.actor) }
        #expect(try write(t) { try Promises.review($0, asOf: Self.today, by: Self.actor) } == (0, 0))
        try t.ingest(.payments, [t.write("p.csv", "payment_id,date,amount,invoice_number\nQ1,2026-11-24,100.00,A1\n")])
        let first = try write(t) { try Promises.review($0, asOf: Day(iso: "2026-11-26")!, by: Actor(who: "relance", at: Self.actor.at, today: Self.today)) }
        #expect(first == (1, 0))
        // K002's grace ends on 2026-11-27: still open that day, broken the day after.
        #expect(try write(t) { try Promises.review($0, asOf: Day(iso: "2026-11-27")!, by: Self.actor) } == (0, 0))
        #expect(try write(t) { try Promises.review($0, asOf: Day(iso: "2026-11-28")!, by: Self.actor) } == (0, 1))
        let rows = try t.store.pool.read { db in try Promises.list(db) }.map(\.fields)
        #expect(rows.map { [$0[0], $0[4], $0[6]] } == [["K001", "2026-11-28", "kept"], ["K002", "2026-11-27", "broken"]])
        #expect(try t.count("SELECT COUNT(*) FROM action_journal WHERE action IN ('promise-kept', 'promise-broken')") == 2)
    }

    /// A promise made by hand (`Promises.add`, the day's date, 3 grace days) on the ledger with
    /// K004's invoice in yen and K001's third one in dollars: what it is recorded in, or why it is
    /// refused (then nothing is written).
    struct PromiseCase: Sendable, CustomTestStringConvertible {
        var debtor: String
        var amount: String
        var invoices: [String]
        /// The outcome's text, or the refusal's.
        var done: String?, refused: String?
        /// The stored promise's currency and amount in minor units (`CUR minor`) when it is recorded.
        var stored: String?
        /// The workspace's `[defaults] currency`.
        var defaultCurrency = Currency.eur

        static func done(_ debtor: String, _ amount: String, _ invoices: [String], _ message: String, stored: String) -> PromiseCase {
            PromiseCase(debtor: debtor, amount: amount, invoices: invoices, done: message, refused: nil, stored: stored)
        }

        static func refused(_ debtor: String, _ amount: String, _ invoices: [String], _ message: String) -> PromiseCase {
            PromiseCase(debtor: debtor, amount: amount, invoices: invoices, done: nil, refused: message, stored: nil)
        }

        /// The same case in a workspace whose default currency is `code`.
        func defaulting(to code: String) -> PromiseCase {
            var c = self
            c.defaultCurrency = Currency(code: code) ?? .eur
            return c
        }

        var testDescription: String { "\(debtor) \(amount) [\(invoices.joined(separator: ", "))] default \(defaultCurrency.code)" }
    }

    static let promiseCases: [PromiseCase] = [
        // A promise is in its first invoice's currency, else in an open invoice's, else in the
        // workspace's default currency (euros unless set).
        .done("K004", "5000", ["J1"], "debtor K004 promised JPY 5000 by 2026-11-21; no reminder until 2026-11-24", stored: "JPY 5000"),
        .done("K004", "4000", [], "debtor K004 promised JPY 4000 by 2026-11-21; no reminder until 2026-11-24", stored: "JPY 4000"),
        // K005 has no open invoice: the amount is read and recorded in the default currency.
        .done("K005", "12.50", [], "debtor K005 promised EUR 12.50 by 2026-11-21; no reminder until 2026-11-24", stored: "EUR 1250"),
        .done("K005", "12.50", [], "debtor K005 promised USD 12.50 by 2026-11-21; no reminder until 2026-11-24", stored: "USD 1250")
            .defaulting(to: "USD"),
        // K004's open invoice is in yen: its currency, whatever the default.
        .done("K004", "4000", [], "debtor K004 promised JPY 4000 by 2026-11-21; no reminder until 2026-11-24", stored: "JPY 4000")
            .defaulting(to: "USD"),
        // K001 owes A1 and A2 in euros and U1 in dollars: with no invoice named, 50.00 of which?
        .refused("K001", "50.00", [], "debtor K001 has open invoices in EUR and USD: name the invoices the promise covers (--invoice)"),
        .refused("K001", "50.00", ["A1", "U1"], "invoices A1 (EUR) and U1 (USD) are in different currencies: make one promise per currency"),
        .done("K001", "50.00", ["U1"], "debtor K001 promised USD 50.00 by 2026-11-21; no reminder until 2026-11-24", stored: "USD 5000"),
        .done("K001", "50.00", ["A1", "A2"], "debtor K001 promised EUR 50.00 by 2026-11-21; no reminder until 2026-11-24", stored: "EUR 5000"),
    ]

    /// A promise's currency is its first invoice's, else an open invoice's, else the workspace's
    /// default; it is refused when the currency would be a guess.
    @Test(arguments: promiseCases) func aPromiseIsInItsInvoicesCurrencyOrRefusedWhenThatWouldBeAGuess(_ c: PromiseCase) throws {
        let t = try ledger()
        try t.ingest(.invoices, [t.write("other-currencies.csv", """
            invoice_number,debtor_id,issue_date,due_date,amount,open_amount,currency
            J1,K004,2026-09-01,2026-10-01,5000,5000,JPY
            U1,K001,2026-09-01,2026-10-01,70.00,70.00,USD
            """)])
        let promise = {
            try write(t) { try Promises.add($0, debtor: c.debtor, amount: c.amount, date: Self.today, invoices: c.invoices, graceDays: 3,
                                             defaultCurrency: c.defaultCurrency, by: Self.actor) }
        }
        if let refused = c.refused {
            #expect(throws: ControlRefusal(refused)) { try promise() }
        } else {
            #expect(try promise() == .done(c.done ?? ""))
        }
        let stored = try t.store.pool.read { db in try String.fetchAll(db, sql: "SELECT currency || ' ' || amount_minor FROM promise_to_pay") }
        #expect(stored == (c.stored.map { [$0] } ?? []))
    }

    @Test func theExportsExpectedPaymentDateIsAPromiseAndDirectDebitAColumn() throws {
        let t = try ledger()
        try t.ingest(.invoices, [t.write("e.csv", """
            invoice_number,debtor_id,issue_date,due_date,amount,open_amount,verwachte_betaaldatum
            A1,K001,2026-09-01,2026-10-01,100.00,100.00,2026-11-30
            A2,K001,2026-09-15,2026-10-15,40.00,40.00,2026-11-01
            """)], asOf: "2026-11-21")
        let rows = try t.store.pool.read { db in try Promises.list(db) }.map(\.fields)
        #expect(rows == [["K001", "100.00", "EUR", "2026-11-30", "2026-12-03", "A1", "open", "2026-11-21", "export", "export"]])
        // A new date replaces the export's promise; the same date again adds nothing.
        try t.ingest(.invoices, [t.write("e2.csv", "invoice_number,debtor_id,issue_date,due_date,amount,open_amount,expected_payment_date\nA1,K001,2026-09-01,2026-10-01,100.00,100.00,2026-12-02\n")])
        try t.ingest(.invoices, [t.write("e3.csv", "invoice_number,debtor_id,issue_date,due_date,amount,open_amount,expected_payment_date\nA1,K001,2026-09-01,2026-10-01,100.00,90.00,2026-12-02\n")])
        #expect(try t.count("SELECT COUNT(*) FROM promise_to_pay") == 1)
        #expect(try t.count("SELECT COUNT(*) FROM promise_to_pay WHERE until = '2026-12-02' AND pause_until = '2026-12-05'") == 1)

        try t.ingest(.debtors, [t.write("dd.csv", "debtor_id,name,domiciliering\nK001,Een,ja\nK002,Twee,\n")])
        #expect(try t.count("SELECT direct_debit FROM debtor WHERE debtor_key = 'K001'") == 1)
        #expect(try t.count("SELECT direct_debit FROM debtor WHERE debtor_key = 'K002'") == 0)
        // A later export without the column keeps the flag.
        try t.ingest(.debtors, [t.write("d2.csv", "debtor_id,name\nK001,Een BV\n")])
        #expect(try t.count("SELECT direct_debit FROM debtor WHERE debtor_key = 'K001'") == 1)
    }

    @Test func earlierRemindersMoveTheLadderOnceAndBadRowsWriteNothing() throws {
        let t = try ledger()
        let ladders = ["b2b": ExternalReminders.LadderOutline(name: "b2b/v1", steps: ["courtesy", "reminder-1", "reminder-2", "formal-notice"], firstAfterDue: 1),
                       "b2c": ExternalReminders.LadderOutline(name: "b2c/v1", steps: ["reminder-1", "reminder-2"], firstAfterDue: 0)]
        let good = t.write("r.csv", "debtor_id,day,level,channel\nK001,2026-10-20,2,post\n")
        let (s, problems) = try write(t) { try ExternalReminders.ingest($0, path: good, ladders: ladders, by: Self.actor) }
        #expect(problems.isEmpty)
        // K001 (a consumer) has A1 and A2 due before 2026-10-20; level 2 of its ladder is reminder-2.
        #expect(s.read == 1 && s.recorded == 2 && s.advanced == 2)
        let state = try t.store.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT ladder, step_index, step, last_reminder, first_reminder, first_channel FROM dunning_state ORDER BY invoice_id")
        }
        #expect(state?.description == "[ladder:\"b2c/v1\" step_index:1 step:\"reminder-2\" last_reminder:\"2026-10-20\" first_reminder:\"2026-10-20\" first_channel:\"post\"]")
        let (again, _) = try write(t) { try ExternalReminders.ingest($0, path: good, ladders: ladders, by: Self.actor) }
        #expect(again.recorded == 0 && again.unchanged == 2)
        let bad = t.write("bad.csv", "invoice_number,day,step\nA2,2026-11-01,reminder-1\nA1,2026-12-01,reminder-2\n")
        let (_, errors) = try write(t) { try ExternalReminders.ingest($0, path: bad, ladders: ladders, by: Self.actor) }
        #expect(errors.map(\.description) == ["bad.csv:3:2: error: [future-day] the reminder's day 2026-12-01 is after today 2026-11-21"])
        #expect(try t.count("SELECT COUNT(*) FROM external_reminder") == 2)
        #expect(try t.count("SELECT COUNT(*) FROM action_journal WHERE action = 'external-reminder'") == 2)
    }
}
