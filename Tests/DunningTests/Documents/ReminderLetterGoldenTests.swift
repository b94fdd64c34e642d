import Dunning
import Foundation
import Ledger
import Letters
import Testing

/// Every step's letter in nl, fr, de and en, composed from the shipped templates as the dunning run
/// composes it, read back with `pdftotext -layout` against `Golden/letters/steps/`; and a long
/// letter whose payment slip keeps the closing lines with it.
@Suite("Reminder letters of every step and language", .enabled(if: PDFTools.available, PDFTools.missing))
struct ReminderLetterGoldenTests {
    static let asOf = Day(iso: "2026-11-21")!
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Golden/letters/steps")

    static let rules: ClaimRules = {
        var r = ClaimRules()
        r.rates = (try? RateTable.parse("[b2b_late_payment]\n\"2026-H2\" = \"10.5\"\n\"2026-H1\" = \"10.5\"\n")) ?? r.rates
        return r
    }()
    static let planner = Planner(ladders: [.b2b: (try? Ladder.parse(DefaultLadders.b2b, file: "b2b"))!,
                                           .b2c: (try? Ladder.parse(DefaultLadders.b2c, file: "b2c"))!], rules: rules)
    static let composer: ReminderComposer = {
        var creditor = Creditor(name: "Facturatie NV", enterpriseNumber: "0428.759.497", addressLines: ["Kunstlaan 1", "1000 Brussel"],
                                city: "Brussel", iban: try? IBAN(parsing: "BE68 5390 0754 7034"), bic: "GKCCBEBB",
                                email: "boekhouding@facturatie.example", phone: "+32 2 123 45 67")
        creditor.register = "RPR Brussel, afdeling Brussel"
        creditor.signatoryName = "An Peeters"
        creditor.signatoryFunction = "Credit controller"
        return ReminderComposer(creditor: creditor, templates: (try? ReminderTemplates(folder: nil))!, rules: rules)
    }()

    static func day(_ s: String) -> Day { Day(iso: s)! }

    static func item(_ n: String, due: String, open: Int64, step: Int? = nil, last: String? = nil, first: String? = nil,
                     credit: Bool = false) -> OpenItem {
        OpenItem(invoiceID: Int64(abs(n.hashValue) % 100_000), number: n, isCreditNote: credit, issue: day(due).adding(days: -30),
                 due: day(due), amount: .eur(cents: open), open: .eur(cents: open), description: credit ? nil : "Onderhoud",
                 stepIndex: step, lastReminder: last.map(day), firstReminder: first.map(day), firstReminderChannel: first == nil ? nil : .post)
    }

    /// A debtor whose items bring the planner to `step` of its ladder tonight.
    static func debtor(kind: DebtorKind, step: Int, language: String, extra: Int = 0) -> DebtorSnapshot {
        let level = kind == .b2b ? step - 1 : step - 1
        var items: [OpenItem]
        if kind == .b2b && step == 0 {
            items = [item("F2026-0100", due: "2026-11-23", open: 45_000)]
        } else if level < 0 || (kind == .b2b && level == 0) {
            items = [item("F2026-0100", due: "2026-11-05", open: 121_000)]
        } else {
            items = [item("F2026-0100", due: "2026-09-30", open: 121_000, step: level, last: "2026-10-20", first: "2026-10-12")]
        }
        if step > 0 {
            items.append(item("F2026-0200", due: "2026-12-15", open: 30_250))
            items.append(item("CN2026-0007", due: "2026-10-01", open: -12_100, credit: true))
        }
        for n in 0..<extra { items.append(item("F2026-\(1000 + n)", due: "2026-10-\(10 + n % 18)", open: 10_000 + Int64(n) * 137, step: level, last: "2026-10-20", first: "2026-10-12")) }
        var d = DebtorSnapshot(id: 42, key: "K1042", name: language == "de" ? "Müller & Söhne AG" : "Façades Lefèvre SA", kind: kind,
                               language: language, hasEmail: true, hasPostalAddress: true, items: items, unapplied: .eur(cents: 0))
        d.addressLines = ["Rue de la Loi 16", "1000 Bruxelles"]
        return d
    }

    static var cases: [(DebtorKind, Int, String)] {
        var out: [(DebtorKind, Int, String)] = []
        for language in ["nl", "fr", "de", "en"] {
            for step in 0...3 { out.append((.b2b, step, language)) }
            for step in 0...2 { out.append((.b2c, step, language)) }
        }
        return out
    }

    @Test func everyStepInEveryLanguage() throws {
        for (kind, step, language) in Self.cases {
            let d = Self.debtor(kind: kind, step: step, language: language)
            let plan = try Self.planner.plan(d, asOf: Self.asOf)
            #expect(plan.action == .remind(stepIndex: step), "\(kind) \(step) \(language): \(plan.reasons)")
            guard case .remind = plan.action, let ladder = Self.planner.ladders[kind] else { continue }
            let r = try Self.composer.compose(plan, ladder: ladder, stepIndex: step, asOf: Self.asOf, channels: [.letter])
            let name = "\(kind.rawValue)-\(step)-\(ladder.steps[step].name)-\(language)"
            let pages = try check(name, r.letter)
            #expect(pages.last?.contains("An Peeters") == true, "\(name): the last page has the closing lines")
        }
    }

    @Test func aLongLetterKeepsItsClosingLinesWithThePaymentSlip() throws {
        let d = Self.debtor(kind: .b2b, step: 2, language: "en", extra: 34)
        let plan = try Self.planner.plan(d, asOf: Self.asOf)
        guard case .remind(let step) = plan.action, let ladder = Self.planner.ladders[.b2b] else {
            Issue.record("no reminder: \(plan.reasons)")
            return
        }
        let r = try Self.composer.compose(plan, ladder: ladder, stepIndex: step, asOf: Self.asOf, channels: [.letter])
        let pages = try check("b2b-2-reminder-2-en-long", r.letter)
        #expect(pages.count >= 2)
        // The slip's page also holds the letter's last lines, never the slip alone.
        #expect(pages.last?.contains("Payment details") == true && pages.last?.contains("An Peeters") == true)
    }

    /// Renders, compares the whole text with the golden file, and returns each page's text.
    func check(_ name: String, _ letter: LetterDocument) throws -> [String] {
        try LetterGoldenTests.check(name, letter, folder: Self.folder)
    }
}
