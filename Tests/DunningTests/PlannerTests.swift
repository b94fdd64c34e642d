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

/// The per-debtor level and cadence, one rule at a time, at each boundary.
@Suite struct CadenceTests {
    let t = PlannerTests()
    var planner: Planner {
        var p = t.planner
        p.rules.rates = (try? RateTable.parse("[b2b_late_payment]\n\"2026-H2\" = \"10.5\"\n")) ?? p.rules.rates
        return p
    }
    func day(_ s: String) -> Day { Day(iso: s)! }

    func debtor(_ items: [OpenItem], kind: DebtorKind = .b2b, lastMessage: String? = nil) -> DebtorSnapshot {
        var d = t.debtor(items, kind: kind)
        d.lastMessage = lastMessage.map(day)
        return d
    }

    @Test func atMostOneMessagePerIntervalTheDayBeforeNoTheDayItEndsYes() throws {
        // Reminded on 11-14 about F1; F2 became due meanwhile. The next message waits 7 days.
        let items = [t.item("F1", due: "2026-11-01", step: 1, last: "2026-11-14"), t.item("F2", due: "2026-11-10")]
        let early = try planner.plan(debtor(items, lastMessage: "2026-11-14"), asOf: day("2026-11-20"))
        #expect(early.action == .nothing && early.nextMessageFrom == day("2026-11-28"))
        // reminder-2 is due 14 days after the level was reached (11-28): the cadence is not the limit then.
        let onDay = try planner.plan(debtor(items, lastMessage: "2026-11-14"), asOf: day("2026-11-28"))
        #expect(onDay.action == .remind(stepIndex: 2))
        #expect(onDay.items.filter(\.advances).map(\.item.number) == ["F1", "F2"])
        // A new debtor level (nothing reminded) still waits for the interval after any earlier message.
        let fresh = [t.item("F3", due: "2026-11-01")]
        #expect(try planner.plan(debtor(fresh, lastMessage: "2026-11-15"), asOf: day("2026-11-21")).action == .nothing)
        #expect(try planner.plan(debtor(fresh, lastMessage: "2026-11-14"), asOf: day("2026-11-21")).action == .remind(stepIndex: 1))
    }

    @Test func neverALowerStepWhileTheInvoicesThatCarriedTheLevelAreOpen() throws {
        // F1 reached the formal notice; F2 is new and late: the next message is the step after, not reminder-1.
        let p = try planner.plan(debtor([t.item("F1", due: "2026-09-01", step: 3, last: "2026-10-20"), t.item("F2", due: "2026-11-10")],
                                        lastMessage: "2026-10-20"), asOf: day("2026-11-21"))
        #expect(p.level == 3 && p.action == .worklist(stepIndex: 4))
        // Once F1 is settled (closed, so no longer open), the level starts again.
        let reset = try planner.plan(debtor([t.item("F2", due: "2026-11-10")], lastMessage: "2026-10-20"), asOf: day("2026-11-21"))
        #expect(reset.level == nil && reset.action == .remind(stepIndex: 1))
    }

    @Test func theCourtesyNoticeOnlyWithNothingOverdue() throws {
        let soon = t.item("F2", due: "2026-11-23")
        #expect(try planner.plan(debtor([soon]), asOf: day("2026-11-21")).action == .remind(stepIndex: 0))
        // A late invoice not yet at its first reminder: no courtesy, nothing tonight.
        let late = t.item("F1", due: "2026-11-18")
        let p = try planner.plan(debtor([late, soon]), asOf: day("2026-11-21"))
        #expect(p.action == .nothing)
        // Seven days after its due date F1 gets reminder-1; F2 is then not yet due and only listed.
        let r = try planner.plan(debtor([late, t.item("F2", due: "2026-11-26")]), asOf: day("2026-11-25"))
        #expect(r.action == .remind(stepIndex: 1) && r.items.map(\.advances) == [true, false])
        #expect(r.demanded == .eur(cents: 100_000) && r.balance == .eur(cents: 200_000))
    }

    @Test func aConsumersNextMessageWaitsForTheFourteenDayPeriod() throws {
        // First reminder by letter on Monday 2026-11-02: day 1 is the third working day after (11-05), costs from 11-19.
        var first = t.item("F1", due: "2026-10-20", step: 0, last: "2026-11-02", first: "2026-11-02")
        first.firstReminderChannel = .post
        let d = debtor([first], kind: .b2c, lastMessage: "2026-11-02")
        let before = try planner.plan(d, asOf: day("2026-11-18"))
        #expect(before.action == .nothing && before.nextMessageFrom == day("2026-11-19"))
        #expect(try planner.plan(d, asOf: day("2026-11-19")).action == .remind(stepIndex: 1))
    }

    @Test func creditsThatCoverWhatIsOverdueMeanNoMessage() throws {
        let p = try planner.plan(debtor([t.item("F1", due: "2026-11-01", open: 10_000), t.item("F2", due: "2026-12-20", open: 50_000),
                                         t.item("CN1", due: "2026-11-01", open: -20_000, credit: true)]), asOf: day("2026-11-21"))
        #expect(p.action == .nothing && p.balance.isPositive)
    }
}
