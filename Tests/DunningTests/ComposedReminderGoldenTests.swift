import Dunning
import Foundation
import Ledger
import Letters
import RelanceTestSupport
import Store
import Testing

/// Everything `ReminderComposer.compose` produces (subject, text and HTML e-mail, the letter's
/// fields, the computation JSON) for every step and language, and for the cases that switch parts
/// of the statement on and off: unapplied payments, disputed and on-hold items, a consumer's
/// contract rate, a creditor without bank details. No PDF tool needed: the letter is dumped field
/// by field, so this pins the composer alone.
@Suite("Composed reminders, field by field")
struct ComposedReminderGoldenTests {
    typealias Fixture = ReminderLetterGoldenTests

    /// The letter as text, one field a line, so a golden diff shows which field moved.
    static func dump(_ r: ComposedReminder) -> String {
        let l = r.letter
        var out = ["Subject: \(r.subject)", "Reference: \(r.reference.formatted)", "Pay by: \(r.payBy)", "", "--- text", r.text, "--- html", r.html,
                   "--- letter",
                   "sender: \(l.sender.name) | \(l.sender.lines.joined(separator: " | "))",
                   "sender details: \(l.senderDetails.joined(separator: " | "))",
                   "recipient: \(l.recipient.name) | \(l.recipient.lines.joined(separator: " | "))",
                   "place and date: \(l.placeAndDate)", "reference: \(l.reference ?? "-")", "subject: \(l.subject)"]
        out += l.paragraphsBefore.map { "before: \($0.replacingOccurrences(of: "\n", with: " / "))" }
        out += l.columns.map { "column: \($0.title) (\($0.alignment))" }
        out += l.rows.map { "row: \($0.joined(separator: " | "))" }
        out += l.totals.map { "total: \($0.label) = \($0.amount)\($0.emphasised ? " (emphasised)" : "")" }
        for s in l.sections { out += ["section: \(s.title)"] + s.rows.map { "  row: \($0.joined(separator: " | "))" } }
        out += l.paragraphsAfter.map { "after: \($0.replacingOccurrences(of: "\n", with: " / "))" }
        if let p = l.payment {
            out.append("payment: \(p.title)")
            out += p.lines.map { "  \($0.label): \($0.value)" }
            out.append("  qr: \(p.qrPayload?.replacingOccurrences(of: "\n", with: "⏎") ?? "-") / \(p.qrCaption ?? "-")")
        }
        out += ["page label: \(l.pageLabel)", "totals column: \(l.totalsColumn.map(String.init) ?? "-")", "creation date: \(l.creationDate ?? "-")",
                "--- computation", r.computation, ""]
        return out.joined(separator: "\n")
    }

    func compose(_ d: DebtorSnapshot, channels: [Ladder.Channel], planner: Planner = Fixture.planner,
                 composer: ReminderComposer = Fixture.composer) throws -> ComposedReminder? {
        let plan = try planner.plan(d, asOf: Fixture.asOf)
        guard case .remind(let step) = plan.action, let ladder = planner.ladders[d.kind] else {
            Issue.record("\(d.key): no reminder: \(plan.reasons)")
            return nil
        }
        return try composer.compose(plan, ladder: ladder, stepIndex: step, asOf: Fixture.asOf, channels: channels)
    }

    @Test func everyStepInEveryLanguage() throws {
        for (kind, step, language) in Fixture.cases {
            let d = Fixture.debtor(kind: kind, step: step, language: language)
            guard let r = try compose(d, channels: step == 0 ? [.email] : [.email, .letter]) else { continue }
            try assertGolden(Self.dump(r), "composed/\(kind.rawValue)-\(step)-\(language).txt")
        }
    }

    /// The body dictionary the outbox compresses the e-mail bodies with (issue 17, third round): the
    /// template rendered with the creditor's values and none of the debtor's, the same for every
    /// debtor of a language and step, and it makes the stored bodies smaller.
    @Test func theBodyDictionaryHoldsTheCreditorsValuesAndNoneOfTheDebtors() throws {
        let d = Fixture.debtor(kind: .b2b, step: 2, language: "nl")
        var other = Fixture.debtor(kind: .b2b, step: 2, language: "nl", extra: 2)
        other.name = "Iemand Anders BV"
        guard let r = try compose(d, channels: [.email]), let r2 = try compose(other, channels: [.email]),
              let dictionary = r.bodyDictionary else {
            Issue.record("no reminder or no body dictionary")
            return
        }
        try assertGolden(dictionary, "composed/body-dictionary-b2b-2-nl.txt")
        #expect(r2.bodyDictionary == dictionary, "one dictionary per template, language and company, whatever the debtor")
        #expect(try compose(d, channels: [.letter])?.bodyDictionary == nil, "a letter-only reminder has no e-mail to compress")
        #expect(dictionary.contains("Facturatie NV") && dictionary.contains("BE68 5390 0754 7034"))
        for debtorValue in [d.name, d.key, r.reference.formatted] + d.items.map(\.number) {
            #expect(!dictionary.contains(debtorValue), "the dictionary holds the debtor's \(debtorValue)")
        }
        let with = try MessageBodies.compress(text: r.text, html: r.html, bodyDictionary: Array(dictionary.utf8))
        let without = try MessageBodies.compress(text: r.text, html: r.html)
        #expect(with.count < without.count, "with the body dictionary \(with.count) bytes, without \(without.count)")
    }

    /// Unapplied payments, a disputed and an on-hold item (left out), an item not yet due, and a
    /// description: every section and totals line of the statement.
    @Test func everySectionOfTheStatement() throws {
        for language in ["nl", "en"] {
            var d = Fixture.debtor(kind: .b2b, step: 2, language: language)
            d.unapplied = .eur(cents: 5_000)
            var disputed = Fixture.item("F2026-0300", due: "2026-09-01", open: 20_000, step: 1, last: "2026-10-20", first: "2026-10-12")
            disputed.disputed = true
            var held = Fixture.item("F2026-0301", due: "2026-09-02", open: 8_000, step: 1, last: "2026-10-20", first: "2026-10-12")
            held.onHold = true
            d.items += [disputed, held]
            guard let r = try compose(d, channels: [.email]) else { continue }
            try assertGolden(Self.dump(r), "composed/sections-\(language).txt")
        }
    }

    /// A consumer's first reminder that announces damages and a contract rate above or below the
    /// 2002-law rate (capped), and one that announces damages per invoice.
    @Test func aConsumersAnnouncedDamagesAndRate() throws {
        for (name, rate) in [("above", Decimal(12)), ("below", Decimal(8))] {
            var d = Fixture.debtor(kind: .b2c, step: 0, language: "nl")
            d.contractRate = rate
            guard let r = try compose(d, channels: [.letter]) else { continue }
            try assertGolden(Self.dump(r), "composed/b2c-contract-rate-\(name).txt")
        }
        var rules = Fixture.rules
        rules.consumerDamagesBasis = .invoice
        let planner = Planner(ladders: Fixture.planner.ladders, rules: rules)
        var composer = Fixture.composer
        composer.rules = rules
        let d = Fixture.debtor(kind: .b2c, step: 0, language: "fr")
        if let r = try compose(d, channels: [.email], planner: planner, composer: composer) {
            try assertGolden(Self.dump(r), "composed/b2c-damages-per-invoice-fr.txt")
        }
    }

    /// A creditor with only a name: no bank details, no QR code, no identity line, no signatory.
    @Test func aCreditorWithOnlyAName() throws {
        var composer = Fixture.composer
        composer.creditor = Creditor(name: "Kleine Zaak")
        let d = Fixture.debtor(kind: .b2b, step: 2, language: "de")
        guard let r = try compose(d, channels: [.email, .letter], composer: composer) else { return }
        try assertGolden(Self.dump(r), "composed/bare-creditor-de.txt")
    }
}
