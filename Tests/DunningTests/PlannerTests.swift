import Dunning
import Foundation
import Ledger
import Testing

@Suite struct PlannerTests {
    let planner = Planner(ladders: [.b2b: try! Ladder.parse(DefaultLadders.b2b, file: "b2b"), .b2c: try! Ladder.parse(DefaultLadders.b2c, file: "b2c")])
    func day(_ s: String) -> Day { Day(iso: s)! }
    func eur(_ c: Int64) -> Money { .eur(cents: c) }

    func item(_ n: String, due: String, open: Int64 = 100_000, step: Int? = nil, last: String? = nil, first: String? = nil,
              disputed: Bool = false, credit: Bool = false) -> OpenItem {
        OpenItem(invoiceID: Int64(n.hashValue & 0xffff), number: n, isCreditNote: credit, issue: day(due).adding(days: -30), due: day(due),
                 amount: eur(open), open: eur(open), disputed: disputed, stepIndex: step, lastReminder: last.map(day),
                 firstReminder: first.map(day), firstReminderChannel: first == nil ? nil : .email)
    }

    func debtor(_ items: [OpenItem], kind: DebtorKind = .b2b, unapplied: Int64 = 0, email: Bool = true, post: Bool = true,
                hold: Bool = false, promise: String? = nil) -> DebtorSnapshot {
        DebtorSnapshot(id: 1, key: "D1", name: "Zoë Façade BV", kind: kind, language: "nl", onHold: hold, hasEmail: email,
                       hasPostalAddress: post, promisedUntil: promise.map(day), items: items, unapplied: eur(unapplied))
    }

    @Test func courtesyBeforeTheDueDateButNeverOnceLate() throws {
        let early = try planner.plan(debtor([item("F1", due: "2026-11-24")]), asOf: day("2026-11-21"))
        #expect(early.action == .remind(stepIndex: 0))
        #expect(try planner.plan(debtor([item("F1", due: "2026-11-25")]), asOf: day("2026-11-21")).action == .nothing)
        // Late and never reminded: the first reminder, not the courtesy notice.
        let late = try planner.plan(debtor([item("F1", due: "2026-11-10")]), asOf: day("2026-11-21"))
        #expect(late.action == .remind(stepIndex: 1))
        #expect(late.reasons == ["reminder-1 for F1 (due since 2026-11-17: 4 night(s) missed, one step only)"])
    }

    @Test func oneStepPerNightEvenAfterAnOutage() throws {
        // Reminded (step 1) long ago: tonight is step 2 with interest and the €40, not the formal notice.
        let p = try planner.plan(debtor([item("F1", due: "2024-09-30", open: 1_000_000, step: 1, last: "2024-10-07")]), asOf: day("2024-11-14"))
        #expect(p.action == .remind(stepIndex: 2))
        #expect(p.interest == eur(15_411) && p.fees == eur(4_000) && p.total == eur(1_019_411))
        #expect(p.items.first?.claim?.periods.count == 1)
        // Not yet 14 days after the last reminder: nothing.
        let wait = try planner.plan(debtor([item("F1", due: "2024-09-30", step: 1, last: "2024-11-01")]), asOf: day("2024-11-14"))
        #expect(wait.action == .nothing)
    }

    @Test func oneMessagePerDebtorWithEveryOpenItemCreditsAndPaymentsNetted() throws {
        let p = try planner.plan(debtor([
            item("F1", due: "2025-10-01", step: 1, last: "2025-10-08"),  // → reminder-2
            item("F2", due: "2025-11-12"),  // → reminder-1
            item("F3", due: "2025-12-15"),  // listed, not due
            item("CN1", due: "2025-10-15", open: -20_000, credit: true),
        ], unapplied: 5_000), asOf: day("2025-11-21"))
        // One level for the debtor: F1 carried it to reminder-1, so the message is reminder-2 and
        // demands every overdue item (F1 and F2 move to reminder-2); F3, not yet due, is listed only.
        #expect(p.action == .remind(stepIndex: 2))
        #expect(p.level == 1)
        #expect(p.items.map(\.item.number) == ["F1", "CN1", "F2", "F3"])
        #expect(p.items.map(\.advances) == [true, false, true, false])
        #expect(p.items.map(\.stepIndex) == [2, nil, 2, nil])
        #expect(p.balance == eur(300_000 - 20_000 - 5_000))
        #expect(p.demanded == eur(200_000 - 20_000 - 5_000))
        // Interest on each overdue item at 10.5 %: F1 51 days (14.67), F2 9 days (2.59); the €40 per invoice.
        #expect(p.interest == eur(1_467 + 259) && p.fees == eur(8_000) && p.total == eur(175_000 + 1_467 + 259 + 8_000))
    }

    @Test func exclusionsAreVisibleWithTheirReasons() throws {
        let f = [item("F1", due: "2026-11-01")]
        #expect(try planner.plan(debtor(f, hold: true), asOf: day("2026-11-21")).action == .excluded(.debtorOnHold))
        #expect(try planner.plan(debtor(f, promise: "2026-11-30"), asOf: day("2026-11-21")).action == .excluded(.promiseToPay))
        #expect(try planner.plan(debtor(f, promise: "2026-11-20"), asOf: day("2026-11-21")).action == .remind(stepIndex: 1))
        #expect(try planner.plan(debtor(f, unapplied: 100_000), asOf: day("2026-11-21")).action == .excluded(.inCredit))
        #expect(try planner.plan(debtor(f, email: false, post: false), asOf: day("2026-11-21")).action == .excluded(.noChannel))
        #expect(try planner.plan(debtor([item("F1", due: "2026-11-01", open: 999)]), asOf: day("2026-11-21")).action == .excluded(.belowMinimum))
        let disputed = try planner.plan(debtor([item("F1", due: "2026-11-01", disputed: true)]), asOf: day("2026-11-21"))
        #expect(disputed.action == .nothing && disputed.items.first?.excluded == .disputed)
        #expect(disputed.reasons == ["F1 left out: disputed invoice"])
    }

    @Test func aConsumersFirstReminderIsFreeAndCostsComeAfterThePeriod() throws {
        let first = try planner.plan(debtor([item("F1", due: "2025-02-20", open: 123_456)], kind: .b2c), asOf: day("2025-03-03"))
        #expect(first.action == .remind(stepIndex: 0) && first.interest.isZero && first.fees.isZero)
        // Second reminder 17 days later: the period (from the e-mail of 2025-03-03) ran out on 2025-03-17.
        let second = try planner.plan(debtor([item("F1", due: "2025-02-20", open: 123_456, step: 0, last: "2025-03-03", first: "2025-03-03")], kind: .b2c),
                                      asOf: day("2025-03-20"))
        #expect(second.action == .remind(stepIndex: 1))
        #expect(second.fees == eur(10_173) && second.items.first?.claim?.claimableFrom == day("2025-03-18"))
        #expect(second.interest == eur(117))  // 1,234.56 × 11.5 % × 3/365 = 1.1669 (18 to 20 March)
    }
}
