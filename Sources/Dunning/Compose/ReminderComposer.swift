import Foundation
import Ledger
import Letters
import Store

/// The company that sends the reminders (from the workspace's `[company]` section).
package struct Creditor: Sendable {
    package var name: String
    package var enterpriseNumber: String?
    /// Street, postcode and city under the name in the letterhead.
    package var addressLines: [String]
    /// The place in "Brussel, 21 november 2026".
    package var city: String
    package var iban: IBAN?
    package var bic: String?
    package var email: String?
    package var phone: String?
    /// The register of legal entities with its court seat, as letters must state it ("RPR Gent, afdeling Gent").
    package var register: String? = nil
    /// Who signs the letters, and in which function ("An Peeters", "Credit controller").
    package var signatoryName: String? = nil
    package var signatoryFunction: String? = nil
    /// Whether the enterprise number is also a VAT number (printed "BTW BE 0428.759.497"; else "Ondernemingsnummer …").
    package var vatRegistered = true

    package init(name: String, enterpriseNumber: String? = nil, addressLines: [String] = [], city: String = "", iban: IBAN? = nil,
                bic: String? = nil, email: String? = nil, phone: String? = nil) {
        self.name = name
        self.enterpriseNumber = enterpriseNumber
        self.addressLines = addressLines
        self.city = city
        self.iban = iban
        self.bic = bic
        self.email = email
        self.phone = phone
    }
}

/// One reminder, worded in the debtor's language: e-mail subject and bodies, and the letter.
package struct ComposedReminder: Sendable {
    package var subject: String
    /// The plain-text e-mail body.
    package var text: String
    /// The HTML e-mail body (every value escaped).
    package var html: String
    package var letter: LetterDocument
    /// The structured communication the debtor pays with (one per debtor, see ``ReminderComposer/reference(debtorID:)``).
    package var reference: StructuredReference
    /// The last day of the payment period the reminder gives.
    package var payBy: Day
    /// How every amount was computed (rate, days, base, cap), as JSON, stored with the event.
    package var computation: String { computationFacts.json() }
    /// The figures of ``computation``: the store writes the event's stored computation from them.
    package var computationFacts: DunningComputation.Facts
    /// What the e-mail bodies repeat: the step template and the layout rendered with the creditor's
    /// values and none of the debtor's (``ReminderComposer/bodyDictionary(language:template:currency:)``);
    /// the outbox compresses the bodies with it (`NewOutboxMessage.bodyDictionary`).
    package var bodyDictionary: String?
}

/// Words a planned reminder with the workspace's templates, for e-mail and letter alike.
package struct ReminderComposer: Sendable {
    package var creditor: Creditor
    package var templates: ReminderTemplates
    package var rules: ClaimRules
    /// Days given to pay a reminder (a consumer's first reminder always gets the legal 14-day period).
    package var paymentDays: Int

    package init(creditor: Creditor, templates: ReminderTemplates, rules: ClaimRules = ClaimRules(), paymentDays: Int = 14) {
        self.creditor = creditor
        self.templates = templates
        self.rules = rules
        self.paymentDays = paymentDays
    }

    static let statementMarker = "\u{1}STATEMENT\u{1}"

    /// The debtor's structured communication: `9` then the debtor's row id on nine digits. Every
    /// reminder of a debtor carries the same one, and a bank payment with it is applied to that
    /// debtor's reminded invoices, oldest first.
    package static func reference(debtorID: Int64) -> StructuredReference {
        StructuredReference(number: 9_000_000_000 + debtorID % 1_000_000_000) ?? StructuredReference(number: 9_000_000_000)!
    }

    /// Words `plan` (a `.remind` plan) at `step` of `ladder`, sent on `asOf` by `channels`.
    /// `dictionaries`, when given, keeps the body dictionaries this composer rendered (one per
    /// language, template and currency) for the next reminders: give one only to calls on the same,
    /// unchanged composer (a dunning run's).
    package func compose(_ plan: DebtorPlan, ladder: Ladder, stepIndex: Int, asOf: Day, channels: [Ladder.Channel],
                         dictionaries: BodyDictionaries? = nil) throws -> ComposedReminder {
        let step = ladder.steps[stepIndex]
        guard let templateName = step.template else { throw ClaimError.stepWithoutTemplate(step: step.name) }
        let d = plan.debtor
        let w = Wording.of(d.language)
        let rules = self.rules.forDebtor(kind: d.kind, contractRate: d.contractRate, publicAuthority: d.publicAuthority)
        let terms = ReminderTerms(plan, step: step, asOf: asOf, channels: channels, paymentDays: paymentDays, rules: rules)
        let statement = Statement(plan, terms: terms, rules: rules)
        let reference = Self.reference(debtorID: d.id)
        let context = templateContext(plan, step: step, asOf: asOf, channels: channels, terms: terms, reference: reference, w)
        let message = try render(context, template: templateName)
        let payment = paymentLines(total: plan.total, reference: reference, w)
        return ComposedReminder(
            subject: message.subject, text: Self.text(message, statement, w),
            html: templates.layout(emailLayout(message, statement, payment: payment, w)),
            letter: try letter(message, statement, plan: plan, payment: payment, reference: reference, asOf: asOf, w),
            reference: reference, payBy: terms.payBy,
            computationFacts: Self.computationFacts(plan, ladder: ladder, step: step, asOf: asOf, payBy: terms.payBy,
                                                    announced: terms.announcedDamages.minorUnits, reminderFees: terms.reminderFees.minorUnits,
                                                    rules: rules),
            // Only an e-mail is compressed with it: a letter-only reminder does not render it.
            bodyDictionary: channels.contains(.email)
                ? dictionaries.map { $0.text(language: d.language, template: templateName, currency: plan.total.currency, self) }
                    ?? bodyDictionary(language: d.language, template: templateName, currency: plan.total.currency) : nil)
    }

    /// The first line `Subject: …` and the rest.
    ///
    /// A text without CR is cut at its LF bytes, which are then exactly its `"\n"` characters, instead
    /// of through `components(separatedBy:)` (issue 17: with ``paragraphs(_:)``, 5 % of a `dunning run`'s
    /// CPU); a text with a CR goes the Foundation way, where CRLF is one character.
    static func splitSubject(_ text: String) -> (String, String) {
        if text.utf8.contains(13) { return splitSubjectByComponents(text) }
        let u = text.utf8
        var start = u.startIndex
        while true {
            let newline = u[start...].firstIndex(of: 10)
            let line = text[start..<(newline ?? u.endIndex)]
            if isBlank(line) {
                guard let newline else { return ("", text) }
                start = u.index(after: newline)
                continue
            }
            guard line.hasPrefix("Subject:") else { return ("", text) }
            return (line.dropFirst("Subject:".count).trimmingCharacters(in: .whitespaces),
                    newline.map { String(text[u.index(after: $0)...]) } ?? "")
        }
    }

    /// ``splitSubject(_:)`` through `components(separatedBy:)`, for a text with a CR.
    static func splitSubjectByComponents(_ text: String) -> (String, String) {
        var lines = text.components(separatedBy: "\n")
        while let f = lines.first, f.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeFirst() }
        guard let first = lines.first, first.hasPrefix("Subject:") else { return ("", text) }
        return (first.dropFirst("Subject:".count).trimmingCharacters(in: .whitespaces), lines.dropFirst().joined(separator: "\n"))
    }

    /// Paragraphs separated by blank lines; lines inside a paragraph kept, trailing spaces trimmed.
    ///
    /// Without a CR, cut at the LF bytes (see ``splitSubject(_:)``), and a line that starts and ends
    /// with an ASCII character other than space and tab is kept as it is: trimming `.whitespaces`
    /// would not change it. Any other line is trimmed and checked as before.
    static func paragraphs(_ body: String) -> [String] {
        if body.utf8.contains(13) { return paragraphsByComponents(body) }
        var out: [String] = []
        var current = ""
        var lines = 0
        func close() {
            if lines > 0 { out.append(current) }
            current = ""
            lines = 0
        }
        for line in body.utf8.split(separator: 10, omittingEmptySubsequences: false) {
            let text = Substring(line)
            if let first = line.first, let last = line.last, first < 0x80, last < 0x80,
               first != 32, first != 9, last != 32, last != 9 {
                if lines > 0 { current += "\n" }
                current += text
                lines += 1
            } else if isBlank(text) {
                close()
            } else {
                if lines > 0 { current += "\n" }
                current += text.trimmingCharacters(in: .whitespaces)
                lines += 1
            }
        }
        close()
        return out
    }

    /// Whether `line` is empty once `.whitespaces` are trimmed.
    ///
    /// The only ASCII members of `.whitespaces` are space and tab, so a line with any other ASCII
    /// byte is not blank, and one of spaces and tabs only is; only a line of spaces, tabs and
    /// non-ASCII characters goes through Foundation (issue 17, tenth round: every non-blank line
    /// did, one `NSString` bridge each).
    static func isBlank(_ line: Substring) -> Bool {
        var onlyBlanks = true
        for b in line.utf8 where b != 32 && b != 9 {
            if b < 0x80 { return false }
            onlyBlanks = false
        }
        return onlyBlanks || line.trimmingCharacters(in: .whitespaces).isEmpty
    }

    /// `line.trimmingCharacters(in: .whitespaces)`, without Foundation when the spaces and tabs at
    /// either end are followed (at the start) and preceded (at the end) by an ASCII character: only
    /// those ASCII blanks are then trimmed, as Foundation would (the text table's padded cells, issue
    /// 17, tenth round). Any other line, and one of blanks only, goes through Foundation.
    static func trimmedBlanks(_ line: String) -> String {
        let u = line.utf8
        var start = u.startIndex
        while start < u.endIndex, u[start] == 32 || u[start] == 9 { start = u.index(after: start) }
        var end = u.endIndex
        while end > start, u[u.index(before: end)] == 32 || u[u.index(before: end)] == 9 { end = u.index(before: end) }
        guard start < end, u[start] < 0x80, u[u.index(before: end)] < 0x80 else { return line.trimmingCharacters(in: .whitespaces) }
        return start == u.startIndex && end == u.endIndex ? line : String(line[start..<end])
    }

    /// ``paragraphs(_:)`` through `components(separatedBy:)`, for a body with a CR.
    static func paragraphsByComponents(_ body: String) -> [String] {
        var out: [String] = []
        var current: [String] = []
        for line in body.components(separatedBy: "\n") {
            let l = line.replacingOccurrences(of: "\r", with: "")
            if l.trimmingCharacters(in: .whitespaces).isEmpty {
                if !current.isEmpty { out.append(current.joined(separator: "\n")); current = [] }
            } else {
                current.append(l.trimmingCharacters(in: .whitespaces))
            }
        }
        if !current.isEmpty { out.append(current.joined(separator: "\n")) }
        return out
    }
}

/// The body dictionaries one composer rendered, by language, template and currency: each is the
/// same text for every reminder of a run (``ReminderComposer/bodyDictionary(language:template:currency:)``
/// depends on nothing else), so it is rendered once a run instead of once a reminder.
///
/// `@unchecked Sendable`: every access goes through the lock.
package final class BodyDictionaries: @unchecked Sendable {
    private let lock = NSLock()
    private var texts: [String: String?] = [:]

    package init() {}

    /// The dictionary for this language, template and currency, rendered by `composer` the first time.
    func text(language: String, template: String, currency: Currency, _ composer: ReminderComposer) -> String? {
        let key = language + "\u{0}" + template + "\u{0}" + currency.code
        if let known = lock.withLock({ texts[key] }) { return known }
        let text = composer.bodyDictionary(language: language, template: template, currency: currency)
        lock.withLock { texts[key] = text }
        return text
    }
}
