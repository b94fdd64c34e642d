@testable import Dunning
import Foundation
import Ledger
import Testing

/// The typed statement of account (sections, columns, totals) and the typed template contexts:
/// every variable a shipped template uses is a field of its context, under the same name.
@Suite struct StatementTests {
    typealias Fixture = ReminderLetterGoldenTests

    /// Tonight's plan, terms and statement of the fixture debtor at `step`.
    static func statement(_ d: DebtorSnapshot) throws -> (DebtorPlan, Ladder.Step, ReminderTerms, Statement) {
        let plan = try Fixture.planner.plan(d, asOf: Fixture.asOf)
        guard case .remind(let step) = plan.action, let ladder = Fixture.planner.ladders[d.kind] else {
            throw FixtureError(description: "no reminder: \(plan.reasons)")
        }
        let rules = Fixture.rules.forDebtor(kind: d.kind, contractRate: d.contractRate, publicAuthority: d.publicAuthority)
        let terms = ReminderTerms(plan, step: ladder.steps[step], asOf: Fixture.asOf, channels: [.email], paymentDays: 14, rules: rules)
        return (plan, ladder.steps[step], terms, Statement(plan, terms: terms, rules: rules))
    }

    @Test func eachItemIsListedInOneSectionInThePlansOrder() throws {
        var d = Fixture.debtor(kind: .b2b, step: 2, language: "en")
        var disputed = Fixture.item("F2026-0300", due: "2026-09-01", open: 20_000, step: 1, last: "2026-10-20", first: "2026-10-12")
        disputed.disputed = true
        d.items.append(disputed)
        let (plan, _, _, s) = try Self.statement(d)
        #expect(s.lines.map(\.invoiceNumber) == plan.items.map(\.item.number))
        #expect(s.lines(in: .demanded).map(\.invoiceNumber) == ["F2026-0100", "CN2026-0007"], "the overdue invoice and the credit note that reduces it")
        #expect(s.informationSections.map(\.section) == [.notYetDue, .leftOut])
        #expect(s.lines(in: .notYetDue).map(\.invoiceNumber) == ["F2026-0200"])
        #expect(s.lines(in: .leftOut).map(\.invoiceNumber) == ["F2026-0300"])
        // A credit note and an item not late leave the days-late cell empty.
        let w = Wording.of("en")
        #expect(s.rows(s.lines(in: .demanded), w) == [["F2026-0100", "31/08/2026", "30/09/2026", "€1,210.00", "€1,210.00", "52"],
                                                       ["CN2026-0007", "01/09/2026", "01/10/2026", "−€121.00", "−€121.00", ""]])
    }

    @Test func columnsAreNamedAndTheTotalsStandUnderTheOpenAmount() {
        let s = Statement(lines: [], totals: [])
        #expect(s.columns == [.invoiceNumber, .issued, .due, .amount, .open, .daysLate])
        #expect(s.columns.map(\.alignment) == [.left, .left, .left, .right, .right, .right])
        #expect(s.totalsColumnIndex == 4)
        #expect(s.columns.map { Wording.of("de").heading($0) } == ["Rechnung", "Datum", "Fällig am", "Betrag", "Offen", "Tage überfällig"])
    }

    @Test func totalsByRoleWithTheTotalDueEmphasised() throws {
        var d = Fixture.debtor(kind: .b2b, step: 2, language: "nl")
        d.unapplied = .eur(cents: 5_000)
        let (plan, _, _, s) = try Self.statement(d)
        let w = Wording.of("nl")
        #expect(s.totals.map { $0.label(w) } == [
            "Nog niet toegewezen betalingen", "Vervallen saldo",
            "Verwijlinterest: de interestvoet van de wet van 2 augustus 2002 (10,50 %) per jaar",
            "Forfaitaire vergoeding invorderingskosten (wet van 2 augustus 2002) (1 × € 40,00)", "Totaal te betalen",
        ])
        #expect(s.totals.map(\.amount) == [.eur(cents: -5_000), plan.demanded, plan.interest, .eur(cents: 4_000), plan.total])
        #expect(s.totals.map(\.emphasised) == [false, false, false, false, true])
        // Without interest or fees the overdue principal is the emphasised last line.
        let courtesy = try Self.statement(Fixture.debtor(kind: .b2b, step: 0, language: "nl")).3
        #expect(courtesy.totals.count == 1 && courtesy.totals[0].emphasised)
    }

    /// Every `{{name}}`, `{{#name}}` and `{{^name}}` of the shipped templates.
    static func variables(_ template: String) -> Set<String> {
        let pattern = /\{\{\s*[#^\/]?\s*([a-z_]+)\s*\}\}/
        return Set(template.matches(of: pattern).map { String($0.output.1) })
    }

    /// The keys of a JSON value, at every depth.
    static func keys(_ json: Any) -> Set<String> {
        switch json {
        case let object as [String: Any]: Set(object.keys).union(object.values.flatMap { keys($0) })
        case let array as [Any]: Set(array.flatMap { keys($0) })
        default: []
        }
    }

    static func encodedKeys(_ value: some Encodable) throws -> Set<String> {
        keys(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(value)))
    }

    @Test func everyTemplateVariableIsAFieldOfItsTypedContext() throws {
        var d = Fixture.debtor(kind: .b2b, step: 2, language: "en")
        d.items[0].description = "Maintenance"
        let (plan, step, terms, s) = try Self.statement(d)
        let composer = Fixture.composer
        let w = Wording.of("en")
        let context = composer.templateContext(plan, step: step, asOf: Fixture.asOf, channels: [.email], terms: terms,
                                               reference: ReminderComposer.reference(debtorID: d.id), w)
        let fields = try Self.encodedKeys(context)
        #expect(fields.isSuperset(of: ["pay_by", "debtor_name", "days_late", "description", "first_reminder", "enterprise_number"]),
                "the JSON names are the template names")
        let layout = composer.emailLayout(RenderedMessage(subject: "S", before: ["a"], after: ["b"]), s,
                                          payment: composer.paymentLines(total: plan.total, reference: ReminderComposer.reference(debtorID: d.id), w), w)
        let layoutFields = try Self.encodedKeys(layout)
        #expect(Self.variables(DefaultTemplates.files["nl/reminder-2.mustache"] ?? "").isSuperset(of: ["pay_by", "claims", "company_phone"]))
        #expect(Self.variables(DefaultTemplates.files["layout.html.mustache"] ?? "").isSuperset(of: ["company_details", "cells", "span"]))
        for (name, text) in DefaultTemplates.files {
            let unknown = Self.variables(text).subtracting(name == "layout.html.mustache" ? layoutFields : fields)
            #expect(unknown.isEmpty, "\(name) uses \(unknown.sorted()), which its context does not have")
        }
    }
}

/// The fixture debtor did not get the reminder a test needs.
struct FixtureError: Error, CustomStringConvertible {
    let description: String
}
