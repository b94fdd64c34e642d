import Billing
import Foundation
import Ingest
import Ledger
import Testing

/// The suspension flow: overdue past the grace → notice; a further 15 days unpaid → suspended;
/// paid → reactivated, and the next invoice carries the reactivation fee.
@Suite struct SuspensionTests {
    func d(_ s: String) -> Day { Day(iso: s)! }

    @Test func thePolicyAtEachThresholdAndOneDayEitherSide() {
        let due = d("2027-01-15")
        let fresh = SuspensionState()
        func decide(_ s: SuspensionState, _ day: String, due: Day? = due) -> SuspensionAction {
            SuspensionPolicy.decide(s, oldestDue: due, asOf: d(day), graceDays: 7, noticeDays: 15)
        }
        #expect(decide(fresh, "2027-01-21") == .none)
        #expect(decide(fresh, "2027-01-22") == .none)  // due + grace: still within the grace
        #expect(decide(fresh, "2027-01-23") == .notice)
        let noticed = SuspensionState(overdueSince: d("2027-01-23"), noticeOn: d("2027-01-23"))
        #expect(decide(noticed, "2027-02-06") == .none)
        #expect(decide(noticed, "2027-02-07") == .none)  // notice + 15 days: the last day to pay
        #expect(decide(noticed, "2027-02-08") == .suspend)
        #expect(decide(noticed, "2027-02-01", due: nil) == .cure)
        let suspended = SuspensionState(overdueSince: d("2027-01-23"), noticeOn: d("2027-01-23"), suspendedOn: d("2027-02-08"))
        #expect(decide(suspended, "2027-03-01") == .none)
        #expect(decide(suspended, "2027-03-01", due: nil) == .reactivate)
        #expect(decide(fresh, "2027-03-01", due: nil) == .none)
    }

    @Test func noticeSuspensionReactivationAndTheFee() throws {
        let w = try BillingWorkspace()
        try w.loadExamples()
        try w.run("2027-01")
        func check(_ day: String) throws -> [String] {
            try SuspensionCheck.run(store: w.store, config: w.config, asOf: d(day), now: { fixedNow })
                .filter { $0.contractKey == "C-1001" }.map(\.row)
        }
        #expect(try check("2027-01-22") == [])
        #expect(try check("2027-01-23") == ["C-1001\tnotice\tF2027-000001"])
        #expect(try check("2027-01-23") == [], "a second check on the same day changes nothing")
        let notice = try w.strings("SELECT subject FROM outbox_message WHERE idempotency_key = 'billing:notice:C-1001:2027-01-23'")
        #expect(notice == ["Ingebrekestelling – contract C-1001"])
        #expect(try check("2027-02-07") == [])
        #expect(try check("2027-02-08") == ["C-1001\tsuspend\tF2027-000001"])
        #expect(try w.count("SELECT COUNT(*) FROM outbox_message WHERE idempotency_key = 'billing:suspend:C-1001:2027-02-08'") == 1)
        // Suspended: no invoice in February.
        let feb = try w.run("2027-02")
        #expect(!feb.lines.contains { $0.contractKey == "C-1001" })
        // The debtor pays January's invoice (matched by its structured communication).
        let ogm = try w.strings("SELECT structured_reference FROM invoice WHERE invoice_number = 'F2027-000001'")[0]
        let pay = w.write("payments.csv", "payment_id,date,amount,currency,structured_reference\nP-1,2027-02-20,125.84,EUR,\(ogm)\n")
        _ = try Ingestor.run(store: w.store, files: [pay], options: IngestOptions(kind: .payments, asOf: d("2027-02-20")),
                             now: { fixedNow }) { _ in }
        #expect(try w.strings("SELECT status FROM invoice WHERE invoice_number = 'F2027-000001'") == ["closed"])
        #expect(try check("2027-02-21") == ["C-1001\treactivate\t"])
        #expect(try w.strings("SELECT reactivated_on || ' ' || reactivation_fee_due || ' ' || (suspended_on IS NULL) FROM contract WHERE contract_key = 'C-1001'")
                == ["2027-02-21 1 1"])
        // March: the subscription and the reactivation fee (€100 + VAT), once.
        let march = try w.run("2027-03")
        let lines = march.lines.filter { $0.contractKey == "C-1001" }
        #expect(lines.map(\.kind) == [.subscription, .fee])
        #expect(lines.last?.amount == .eur(cents: 10_000))
        #expect(try w.strings("SELECT reactivation_fee_due FROM contract WHERE contract_key = 'C-1001'") == ["0"])
        let april = try w.run("2027-04")
        #expect(april.lines.filter { $0.contractKey == "C-1001" }.map(\.kind) == [.subscription])
    }

    @Test func payingBeforeTheSuspensionClearsTheFlag() throws {
        let w = try BillingWorkspace()
        try w.loadExamples()
        try w.run("2027-01")
        _ = try SuspensionCheck.run(store: w.store, config: w.config, asOf: d("2027-01-23"), now: { fixedNow })
        try w.store.pool.write { db in
            try db.execute(sql: "UPDATE invoice SET open_minor = 0, status = 'closed', closed_reason = 'paid', closed_on = '2027-01-30' WHERE invoice_number = 'F2027-000001'")
        }
        let changes = try SuspensionCheck.run(store: w.store, config: w.config, asOf: d("2027-02-08"), now: { fixedNow })
        #expect(changes.first { $0.contractKey == "C-1001" }?.action == .cure)
        #expect(try w.strings("SELECT (overdue_since IS NULL) || (notice_on IS NULL) || (suspended_on IS NULL) FROM contract WHERE contract_key = 'C-1001'") == ["111"])
    }
}
