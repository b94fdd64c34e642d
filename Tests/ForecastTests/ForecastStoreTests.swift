import Foundation
import GRDB
import Ingest
import Ledger
import Store
import Testing

@testable import Forecast

/// The forecast against a real SQLite ledger built by Ingest: what is read, stored, replaced, listed.
@Suite("Forecast in the store")
struct ForecastStoreTests {
    static let asOf = "2026-03-31"

    /// Debtors A (company, pays ~3 days late), B (consumer, ~20 days late), C (no history); open
    /// invoices: A1 not yet due, A2 partly paid, B1 disputed and overdue; a credit note for C; an
    /// invoice whose export says 0 open (closed on a day nobody told).
    func ledger() throws -> TempStore {
        let t = try TempStore()
        try t.ingest(.debtors, "debtors.csv", """
            debtor_id,name,kind,language
            A,Alpha NV,b2b,nl
            B,Bea Peeters,b2c,fr
            C,Gamma BV,b2b,nl
            """)
        var invoices = ["invoice_number,debtor_id,issue_date,due_date,amount,disputed"]
        var payments = ["payment_id,date,amount,invoice_number"]
        let start = Day(year: 2025, month: 6, day: 1)!
        for k in 0..<8 {
            let issue = start.adding(days: 14 * k), due = issue.adding(days: 30)
            invoices.append("HA\(k),A,\(issue),\(due),100.00,no")
            payments.append("PA\(k),\(due.adding(days: 3)),100.00,HA\(k)")
            invoices.append("HB\(k),B,\(issue),\(due),50.00,no")
            payments.append("PB\(k),\(due.adding(days: 20 + k % 3)),50.00,HB\(k)")
        }
        invoices += ["A1,A,2026-03-20,2026-04-19,200.00,no", "A2,A,2026-03-01,2026-03-31,300.00,no",
                     "B1,B,2026-01-10,2026-02-09,80.00,yes", "CN1,C,2026-03-02,2026-04-01,-40.00,no"]
        payments.append("PX1,2026-03-15,100.00,A2")
        try t.ingest(.invoices, "invoices.csv", invoices.joined(separator: "\n"))
        try t.ingest(.payments, "payments.csv", payments.joined(separator: "\n"), booked: true)
        try t.ingest(.invoices, "closed.csv", """
            invoice_number,debtor_id,issue_date,due_date,amount,open_amount
            Z1,C,2026-01-05,2026-02-04,70.00,0.00
            """)
        return t
    }

    func run(_ t: TempStore, asOf: String = asOf) throws -> ForecastResult {
        let r = Forecaster.forecast(try t.facts(asOf: asOf), asOf: Day(iso: asOf)!)
        try ForecastStore.save(r, store: t.store, runID: nil, createdAt: "2026-03-31T22:00:00.000Z")
        return r
    }

    @Test("reads payment days from the latest allocation; skips credit notes and invoices closed on an unknown day")
    func facts() throws {
        let t = try ledger()
        let f = try t.facts(asOf: Self.asOf)
        #expect(f.invoiceCount == 16 + 3 + 1)
        let numbers = try t.store.pool.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT id, invoice_number FROM invoice").map { ($0[0] as Int64, $0[1] as String) })
        }
        let index = Dictionary(uniqueKeysWithValues: f.invoiceIDs.enumerated().map { (numbers[$0.element] ?? "", $0.offset) })
        let ha0 = try #require(index["HA0"]), a2 = try #require(index["A2"]), z1 = try #require(index["Z1"])
        #expect(f.paid[ha0] - f.due[ha0] == 3)
        #expect(f.paid[a2] == LedgerFacts.unpaid && f.openMinor[a2] == 200_00)
        #expect(f.firstPaid[a2] == Day(iso: "2026-03-15")!.daysSinceEpoch)
        #expect(f.paid[z1] == LedgerFacts.unknownDay)
        #expect(index["CN1"] == nil)
        // As of a day before the partial payment, A2 was wholly open.
        let earlier = try t.facts(asOf: "2026-03-10")
        #expect(earlier.openMinor[a2] == 300_00)
    }

    @Test("the ledger read on three connections at once gives the facts of one connection, column for column")
    func readOnThreeConnections() throws {
        let t = try ledger()
        try t.ingest(.invoices, "more.csv", """
            invoice_number,debtor_id,issue_date,due_date,currency,amount
            U1,B,2026-02-01,2026-03-03,USD,120.00
            G1,A,2026-03-02,2026-04-01,GBP,80.00
            E1,C,2026-03-03,2026-04-02,EUR,10.00
            """)
        try t.ingest(.payments, "later.csv", "payment_id,date,amount,currency,invoice_number\nPU1,2026-03-20,20.00,USD,U1", booked: true)
        // The second half of the ids holds the first USD and GBP invoices (its currencies are numbered
        // on from the first half's); debtor A went paperless.
        try t.store.pool.write { db in
            try db.execute(sql: "UPDATE debtor SET paperless_since = '2025-09-01' WHERE debtor_key = 'A'")
        }
        for asOf in [Self.asOf, "2026-03-10"] {
            let one = try t.facts(asOf: asOf)
            let three = try LedgerFacts.read(store: t.store, asOf: Day(iso: asOf)!)
            #expect(one.invoiceCount == 16 + 3 + 1 + 3)
            #expect(three.invoiceIDs == one.invoiceIDs && three.debtor == one.debtor)
            #expect(three.issue == one.issue && three.due == one.due && three.paid == one.paid && three.firstPaid == one.firstPaid)
            #expect(three.amountMinor == one.amountMinor && three.openMinor == one.openMinor)
            #expect(three.currency == one.currency && three.currencies == one.currencies && three.flags == one.flags)
            #expect(three.debtorIDs == one.debtorIDs && three.debtorKeys == one.debtorKeys)
            #expect(three.debtorIsConsumer == one.debtorIsConsumer && three.debtorLanguage == one.debtorLanguage)
            #expect(three.promiseDebtor == one.promiseDebtor && three.promiseUntil == one.promiseUntil)
            #expect(three.attributes.map(\.name) == ["paperless"] && three.attributes.map(\.values) == one.attributes.map(\.values))
            #expect(three.reminderInvoice == one.reminderInvoice && three.reminderDay == one.reminderDay)
            #expect(one.currencies == ["EUR", "USD", "GBP"])
        }
    }

    @Test("run stores every open invoice, debtor and week, and a rerun of the same day replaces it")
    func idempotent() throws {
        let t = try ledger()
        let r = try run(t)
        #expect(r.invoices.count == 3)
        #expect(Set(r.debtors.map(\.debtorKey)) == ["A", "B"])
        #expect(r.cash.count == Forecaster.weeks)
        let counts = { try t.store.pool.read { db in
            try [("forecast_run"), ("invoice_forecast"), ("debtor_score"), ("cash_forecast")].map {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? -1
            }
        } }
        let first = try counts()
        #expect(first == [1, 3, 2, 13])
        let rows = { try t.store.pool.read { db in try InvoiceForecastRecord.fetchAll(db, sql: "SELECT * FROM invoice_forecast ORDER BY invoice_id") } }
        let before = try rows()
        _ = try run(t)
        #expect(try counts() == first)
        #expect(try rows().map { [$0.p10Date, $0.p50Date, $0.p90Date] } == before.map { [$0.p10Date, $0.p50Date, $0.p90Date] })
    }

    @Test("every open invoice is forecast: in a foreign currency, partly paid, or netted by a credit note")
    func everyOpenInvoice() throws {
        let t = try TempStore()
        try t.ingest(.debtors, "debtors.csv", "debtor_id,name,kind,language\nA,Alpha NV,b2b,nl\nN,Nieuw BV,b2b,nl")
        var invoices = ["invoice_number,debtor_id,issue_date,due_date,currency,amount,open_amount"]
        var payments = ["payment_id,date,amount,currency,invoice_number"]
        let start = Day(year: 2025, month: 6, day: 1)!
        for k in 0..<6 {
            let issue = start.adding(days: 20 * k), due = issue.adding(days: 30)
            invoices.append("H\(k),A,\(issue),\(due),EUR,100.00,100.00")
            payments.append("P\(k),\(due.adding(days: 2)),100.00,EUR,H\(k)")
        }
        invoices += ["USD1,A,2026-03-01,2026-03-31,USD,250.00,250.00", "NET1,A,2026-03-05,2026-04-04,EUR,100.00,60.00",
                     "PART1,A,2026-02-01,2026-03-03,EUR,300.00,300.00", "NEW1,N,2026-03-25,2026-04-24,EUR,90.00,90.00"]
        payments.append("PX,2026-03-10,100.00,EUR,PART1")
        try t.ingest(.invoices, "invoices.csv", invoices.joined(separator: "\n"))
        try t.ingest(.payments, "payments.csv", payments.joined(separator: "\n"), booked: true)
        let r = try run(t)
        let open = try t.store.pool.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM invoice WHERE status = 'open' AND type = 'invoice' ORDER BY id")
        }
        #expect(open.count == 4)
        #expect(r.invoices.map(\.invoiceID) == open)
        #expect(r.littleHistoryInvoices == 1, "NEW1's debtor has no paid invoice")
        #expect(Set(r.cash.map(\.currency)) == ["EUR", "USD"])
    }

    @Test("keeps the detail of the latest seven as-of days, and every day's weekly cash forecast")
    func retention() throws {
        let t = try ledger()
        for d in 20...29 { _ = try run(t, asOf: "2026-03-\(d)") }
        let (days, detailed, cash) = try t.store.pool.read { db in
            (try String.fetchAll(db, sql: "SELECT as_of FROM forecast_run ORDER BY as_of"),
             try String.fetchAll(db, sql: """
                SELECT as_of FROM forecast_run r WHERE EXISTS (SELECT 1 FROM invoice_forecast f WHERE f.forecast_run_id = r.id)
                  AND EXISTS (SELECT 1 FROM debtor_score s WHERE s.forecast_run_id = r.id) ORDER BY as_of
                """),
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cash_forecast") ?? 0)
        }
        #expect(days == (20...29).map { "2026-03-\($0)" })
        #expect(detailed == (23...29).map { "2026-03-\($0)" })
        #expect(cash == 10 * 13)
        #expect(try t.store.pool.read { db in try ForecastStore.hasDetail(db, runID: 1) } == false)
    }

    @Test("a run of a day older than the seven kept keeps no detail of its own; the next newer day prunes the oldest kept")
    func retentionOfAnOlderDay() throws {
        let t = try ledger()
        func stored() throws -> (days: [String], detailed: [String], cash: Int) {
            try t.store.pool.read { db in
                (try String.fetchAll(db, sql: "SELECT as_of FROM forecast_run ORDER BY as_of"),
                 try String.fetchAll(db, sql: """
                    SELECT as_of FROM forecast_run r WHERE EXISTS (SELECT 1 FROM invoice_forecast f WHERE f.forecast_run_id = r.id)
                      OR EXISTS (SELECT 1 FROM debtor_score s WHERE s.forecast_run_id = r.id) ORDER BY as_of
                    """),
                 try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cash_forecast") ?? 0)
            }
        }
        for d in 20...28 { _ = try run(t, asOf: "2026-03-\(d)") }
        #expect(try stored().detailed == (22...28).map { "2026-03-\($0)" })
        // The writer prunes at its start unless its own run is among the pruned: this one is, and is pruned at the end.
        _ = try run(t, asOf: "2026-03-10")
        let older = try stored()
        #expect(older.days == ["2026-03-10"] + (20...28).map { "2026-03-\($0)" })
        #expect(older.detailed == (22...28).map { "2026-03-\($0)" })
        #expect(older.cash == 10 * 13)
        _ = try run(t, asOf: "2026-03-29")
        let newer = try stored()
        #expect(newer.detailed == (23...29).map { "2026-03-\($0)" })
        #expect(newer.cash == 11 * 13)
        // A rerun of a kept day replaces it and prunes nothing more.
        _ = try run(t, asOf: "2026-03-25")
        #expect(try stored().detailed == (23...29).map { "2026-03-\($0)" })
    }

    @Test("the cash forecast sums open amounts × chance of payment per week, rounded once, inside its band")
    func cash() throws {
        let t = try ledger()
        let r = try run(t)
        let total = r.cash.reduce(Int64(0)) { $0 + $1.expectedMinor }
        #expect(total > 0 && total <= 200_00 + 200_00 + 80_00)
        #expect(r.cash.allSatisfy { $0.p10Minor <= $0.expectedMinor && $0.expectedMinor <= $0.p90Minor && $0.currency == "EUR" })
        #expect(r.cash.first?.start == Day(iso: "2026-04-01") && r.cash.last?.end == Day(iso: "2026-06-30"))
    }

    @Test("show lists exactly the required columns, as CSV, JSON and a table, for one debtor or all")
    func listing() throws {
        let t = try ledger()
        _ = try run(t)
        func text(_ format: ForecastListing.Format, debtor: String? = nil) throws -> String {
            var out = ""
            try t.store.pool.read { db in
                let id = try #require(try ForecastStore.run(db, asOf: nil)?.id)
                try ForecastListing.invoices(db, runID: id, debtorKey: debtor, format: format) { out += $0 }
            }
            return out
        }
        let csv = try text(.csv).split(separator: "\n")
        #expect(csv.first.map(String.init) == ForecastListing.invoiceColumns.joined(separator: ","))
        #expect(ForecastListing.invoiceColumns.suffix(2) == ["debtor_paid_invoices", "history"])
        #expect(csv.count == 4)
        #expect(csv.dropFirst().first?.hasPrefix("B1,B,2026-02-09,") == true, "sorted by due date")
        #expect(csv.dropFirst().allSatisfy { $0.hasSuffix(",8,own") }, "A and B have 8 paid invoices each: their own history")
        #expect([0, 1, 4, 5].map { ForecastListing.history(paidInvoices: $0) } == ["none", "little", "little", "own"])
        let json = try JSONSerialization.jsonObject(with: Data(try text(.json, debtor: "A").utf8)) as? [[String: Any]]
        #expect(json?.count == 2)
        #expect(json?.first.map { Set($0.keys) } == Set(ForecastListing.invoiceColumns))
        #expect(json?.first?["p_paid_by_due"] is Double)
        let table = try text(.table).split(separator: "\n")
        #expect(table.first?.hasPrefix("invoice_number  debtor_id  due_date") == true)
        #expect(table.count == 4)
        #expect(try text(.csv, debtor: "C").split(separator: "\n").count == 1)
    }

    @Test("scores and cash list too")
    func otherListings() throws {
        let t = try ledger()
        _ = try run(t)
        var scores = "", cash = ""
        try t.store.pool.read { db in
            let id = try #require(try ForecastStore.run(db, asOf: Day(iso: Self.asOf))?.id)
            try ForecastListing.scores(db, runID: id, debtorKey: nil, format: .json) { scores += $0 }
            try ForecastListing.cash(db, runID: id, format: .csv) { cash += $0 }
        }
        let s = try #require(try JSONSerialization.jsonObject(with: Data(scores.utf8)) as? [[String: Any]])
        #expect(s.map { $0["debtor_id"] as? String } == ["B", "A"], "worst score first")
        #expect((s.first?["reasons"] as? [String])?.contains("1 open invoice disputed") == true)
        #expect(cash.hasPrefix("currency,week,week_start,week_end,expected,p10,p90\nEUR,1,2026-04-01,2026-04-07,"))
    }
}

@Suite("Paperless billing from the ledger")
struct PaperlessTests {
    @Test("a debtor's paperless_since becomes the paperless covariate")
    func paperlessSince() throws {
        let t = try ForecastStoreTests().ledger()
        #expect(try t.facts(asOf: ForecastStoreTests.asOf).attributes.isEmpty)
        try t.store.pool.write { db in
            try db.execute(sql: "UPDATE debtor SET paperless_since = '2025-09-01' WHERE debtor_key = 'A'")
        }
        let f = try t.facts(asOf: ForecastStoreTests.asOf)
        let a = try #require(f.attributes.first)
        #expect(a.name == "paperless")
        let expected = (0..<f.invoiceCount).map { f.debtorKeys[Int(f.debtor[$0])] == "A" && f.issue[$0] > Day(iso: "2025-09-01")!.daysSinceEpoch }
        #expect(a.values == expected)
        #expect(expected.contains(true) && expected.contains(false))
    }
}
