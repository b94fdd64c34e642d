import Foundation
import Ledger
import Letters

/// The company that sends the reminders (from the workspace's `[company]` section).
public struct Creditor: Sendable {
    public var name: String
    public var enterpriseNumber: String?
    /// Street, postcode and city under the name in the letterhead.
    public var addressLines: [String]
    /// The place in "Brussel, 21 november 2026".
    public var city: String
    public var iban: IBAN?
    public var bic: String?
    public var email: String?
    public var phone: String?
    /// The register of legal entities with its court seat, as letters must state it ("RPR Gent, afdeling Gent").
    public var register: String? = nil
    /// Who signs the letters, and in which function ("An Peeters", "Credit controller").
    public var signatoryName: String? = nil
    public var signatoryFunction: String? = nil
    /// Whether the enterprise number is also a VAT number (printed "BTW BE 0428.759.497"; else "Ondernemingsnummer …").
    public var vatRegistered = true

    public init(name: String, enterpriseNumber: String? = nil, addressLines: [String] = [], city: String = "", iban: IBAN? = nil,
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
public struct ComposedReminder: Sendable {
    public var subject: String
    /// The plain-text e-mail body.
    public var text: String
    /// The HTML e-mail body (every value escaped).
    public var html: String
    public var letter: LetterDocument
    /// The structured communication the debtor pays with (one per debtor, see ``ReminderComposer/reference(debtorID:)``).
    public var reference: StructuredReference
    /// The last day of the payment period the reminder gives.
    public var payBy: Day
    /// How every amount was computed (rate, days, base, cap), as JSON, stored with the event.
    public var computation: String
}

/// Words a planned reminder with the workspace's templates, for e-mail and letter alike.
public struct ReminderComposer: Sendable {
    public var creditor: Creditor
    public var templates: ReminderTemplates
    public var rules: ClaimRules
    /// Days given to pay a reminder (a consumer's first reminder always gets the legal 14-day period).
    public var paymentDays: Int

    public init(creditor: Creditor, templates: ReminderTemplates, rules: ClaimRules = ClaimRules(), paymentDays: Int = 14) {
        self.creditor = creditor
        self.templates = templates
        self.rules = rules
        self.paymentDays = paymentDays
    }

    static let statementMarker = "\u{1}STATEMENT\u{1}"

    /// The debtor's structured communication: `9` then the debtor's row id on nine digits. Every
    /// reminder of a debtor carries the same one, and a bank payment with it is applied to that
    /// debtor's reminded invoices, oldest first.
    public static func reference(debtorID: Int64) -> StructuredReference {
        StructuredReference(number: 9_000_000_000 + debtorID % 1_000_000_000) ?? StructuredReference(number: 9_000_000_000)!
    }

    /// Words `plan` (a `.remind` plan) at `step` of `ladder`, sent on `asOf` by `channels`.
    public func compose(_ plan: DebtorPlan, ladder: Ladder, stepIndex: Int, asOf: Day, channels: [Ladder.Channel]) throws -> ComposedReminder {
        let step = ladder.steps[stepIndex]
        guard let templateName = step.template else { throw ClaimError.stepWithoutTemplate(step: step.name) }
        let d = plan.debtor
        let w = Wording.of(d.language)
        let cur = plan.balance.currency
        let reference = Self.reference(debtorID: d.id)
        let advancing = plan.items.filter(\.advances)
        // A consumer's first reminder: the 14-day period, and the damages it announces.
        let firstConsumerReminder = d.kind == .b2c && advancing.contains { $0.item.firstReminder == nil }
        let letterSent = channels.contains(.letter)
        let payBy: Day = firstConsumerReminder
            ? ConsumerRules.claimableFrom(firstReminder: asOf, channel: letterSent ? .post : .email).adding(days: -1)
            : asOf.adding(days: paymentDays)
        let rules = self.rules.forDebtor(kind: d.kind, contractRate: d.contractRate, publicAuthority: d.publicAuthority)
        // What a consumer's first reminder announces: the flat damages (only with a damages clause,
        // capped on the reminded balance or per invoice) and the rate that will be charged (only a
        // contractual rate, capped at the 2002-law rate).
        var announced: Int64 = 0
        var announcedRate: String? = nil
        if firstConsumerReminder {
            let fresh = advancing.filter { $0.item.firstReminder == nil }
            if rules.consumerDamagesBasis == .balance {
                let base = fresh.reduce(Int64(0)) { $0 + $1.item.open.minorUnits }
                announced = ClaimCalculator.consumerDamages(balance: Money(minorUnits: base, currency: cur), rules: rules).minorUnits
            } else {
                announced = fresh.reduce(Int64(0)) { $0 + ClaimCalculator.consumerDamages(balance: $1.item.open, rules: rules).minorUnits }
            }
            if rules.consumerInterest, let contract = rules.consumerContractRate {
                // Capped at the 2002-law rate of the half-year the period ends in; while that rate is
                // not published, the cap is named without a figure.
                switch try? rules.rates.rate(HalfYear(containing: payBy.adding(days: 1))) {
                case let statutory? where contract > statutory: announcedRate = RateBasis.consumerCapped.words(language: d.language, rates: [statutory])
                case .some: announcedRate = RateBasis.contractual.words(language: d.language, rates: [contract])
                case nil: announcedRate = RateBasis.consumerCapped.words(language: d.language, rates: [])
                }
            }
        }
        let chargedRate = plan.items.compactMap(\.claim).first { $0.interest.isPositive }?.rateWords(language: d.language)
        let reminderFees = d.kind == .b2c ? (Planner.reminderFee(step, plan.items)?.minorUnits ?? 0) : 0
        let flat = plan.fees.minorUnits - reminderFees
        let rates = Set(plan.items.compactMap(\.claim).flatMap(\.periods).map(\.rate)).sorted()
        let firstReminder = plan.items.compactMap(\.item.firstReminder).min()

        // The statement of account: what the message demands (and the credit notes that reduce it)
        // in the table with the totals; items not yet due, and items left out, listed for information.
        let columns = w.columns
        func row(_ p: PlannedItem) -> [String] {
            [p.item.number, w.short(p.item.issue), w.short(p.item.due), w.money(p.item.amount), w.money(p.item.open),
             p.item.isCreditNote || p.daysLate == 0 ? "" : String(p.daysLate)]
        }
        let rows = plan.items.filter { $0.advances || ($0.item.isCreditNote && $0.excluded == nil) }.map(row)
        let leftOut = plan.items.filter { !$0.advances && $0.excluded != nil }.map(row)
        let notYetDue = plan.items.filter { !$0.advances && $0.excluded == nil && !$0.item.isCreditNote }.map(row)
        let sections = [(w.notYetDue, notYetDue), (w.leftOut, leftOut)].filter { !$0.1.isEmpty }
        var totals: [(String, Money, Bool)] = []
        if d.unapplied.isPositive { totals.append((w.unapplied, d.unapplied.negated, false)) }
        totals.append((w.overdue, plan.demanded, plan.interest.isZero && plan.fees.isZero))
        if plan.interest.isPositive {
            let basis = chargedRate ?? rates.map { w.percent($0) }.joined(separator: " / ")
            totals.append(("\(w.interest): \(basis) \(w.perYear)", plan.interest, false))
        }
        if flat > 0 {
            let n = plan.items.filter { ($0.claim?.flatCompensation.minorUnits ?? 0) > 0 }.count
            let label = d.kind == .b2b ? "\(w.flat) (\(n) × \(w.money(rules.flatCompensation)))" : w.damages
            totals.append((label, Money(minorUnits: flat, currency: cur), false))
        }
        if reminderFees > 0 { totals.append((w.reminderFee, Money(minorUnits: reminderFees, currency: cur), false)) }
        if plan.interest.isPositive || plan.fees.isPositive { totals.append((w.totalDue, plan.total, true)) }

        // The template's words.
        var context: [String: Any] = [
            "language": d.language, "debtor_name": d.name, "customer_number": d.key, "company_name": creditor.name,
            "date": w.long(asOf), "as_of": asOf.description, "step": step.name,
            "balance": w.money(plan.demanded), "open_balance": w.money(plan.balance), "interest": w.money(plan.interest), "fees": w.money(plan.fees), "total": w.money(plan.total),
            "has_interest": plan.interest.isPositive, "has_fees": plan.fees.isPositive,
            "claims": plan.interest.isPositive || plan.fees.isPositive,
            "pay_by": w.long(payBy), "iban": creditor.iban?.formatted ?? "", "bic": creditor.bic ?? "", "reference": reference.formatted,
            "damages": w.money(Money(minorUnits: announced, currency: cur)), "has_damages": announced > 0,
            "rate": announcedRate ?? chargedRate ?? "", "has_rate": (announcedRate ?? chargedRate) != nil,
            "announces": announced > 0 || announcedRate != nil,
            "email": channels.contains(.email), "letter": letterSent,
            "items": advancing.map { p -> [String: Any] in
                var item: [String: Any] = ["number": p.item.number, "date": w.short(p.item.issue), "due": w.short(p.item.due),
                                           "amount": w.money(p.item.amount), "open": w.money(p.item.open), "days_late": p.daysLate]
                if let desc = p.item.description, !desc.isEmpty { item["description"] = desc }
                return item
            },
        ]
        if let e = creditor.enterpriseNumber { context["enterprise_number"] = e }
        if let e = creditor.email { context["company_email"] = e }
        if let p = creditor.phone { context["company_phone"] = p }
        if let f = firstReminder { context["first_reminder"] = w.long(f) }
        // The signature: the signatory and function when configured, then the company.
        let signer = [creditor.signatoryName, creditor.signatoryFunction].compactMap { $0 }.filter { !$0.isEmpty }
        context["signature"] = (signer + [creditor.name]).joined(separator: "\n")
        context["statement"] = Self.statementMarker
        let rendered = try templates.render(language: d.language, name: templateName, context)
        let (subject, body) = Self.splitSubject(rendered)
        guard !subject.isEmpty else {
            throw ReminderTemplates.Problem(file: "templates/\(d.language)/\(templateName).mustache", message: "the first line must be `Subject: …`")
        }
        let paragraphs = Self.paragraphs(body)
        let cut = paragraphs.firstIndex(of: Self.statementMarker)
        let before = cut.map { Array(paragraphs[..<$0]) } ?? paragraphs
        let after = cut.map { Array(paragraphs[($0 + 1)...]) } ?? []

        // Plain text: the statement as an aligned table.
        let textStatement = Self.textTable(columns: columns, rows: rows, totals: totals.map { ($0.0, w.money($0.1)) })
            + sections.map { "\n\n" + $0.0 + "\n" + Self.textTable(columns: columns, rows: $0.1, totals: []) }.joined()
        let text = (before + [textStatement] + after).joined(separator: "\n\n") + "\n"

        // Payment details, shared by the HTML e-mail and the letter.
        var payment: [(label: String, value: String)] = [(w.beneficiary, creditor.name)]
        if let iban = creditor.iban { payment.append(("IBAN", iban.formatted)) }
        if let bic = creditor.bic { payment.append(("BIC", bic)) }
        payment.append((w.communication, reference.formatted))
        payment.append((w.amountLabel, w.money(plan.total)))

        // The legal identity every letter and e-mail states: VAT or enterprise number, register and court seat.
        var identity: [String] = []
        if let e = creditor.enterpriseNumber { identity.append(creditor.vatRegistered ? "\(w.vat) BE \(e)" : "\(w.enterprise) \(e)") }
        if let r = creditor.register, !r.isEmpty { identity.append(r) }
        var details = identity
        if let iban = creditor.iban { details.append("IBAN \(iban.formatted)" + (creditor.bic.map { " · BIC \($0)" } ?? "")) }
        if let e = creditor.email { details.append(e) }
        if let p = creditor.phone { details.append(p) }
        let right: Set<Int> = [3, 4, 5]
        let html = templates.layout([
            "language": d.language, "subject": subject, "company_name": creditor.name,
            "before": before.map { ["lines": $0.components(separatedBy: "\n")] },
            "after": after.map { ["lines": $0.components(separatedBy: "\n")] },
            "columns": columns.enumerated().map { ["title": $0.element, "align": right.contains($0.offset) ? "right" : "left"] },
            "rows": rows.map { r in ["cells": r.enumerated().map { ["text": $0.element, "align": right.contains($0.offset) ? "right" : "left"] }] },
            "totals": totals.map { ["label": $0.0, "amount": w.money($0.1), "span": columns.count - 1, "strong": $0.2] as [String: Any] },
            "sections": sections.map { section -> [String: Any] in
                ["title": section.0, "rows": section.1.map { r in ["cells": r.enumerated().map { ["text": $0.element, "align": right.contains($0.offset) ? "right" : "left"] }] }]
            },
            "payment_title": w.paymentTitle, "payment": payment.map { ["label": $0.label, "value": $0.value] },
            "company_details": identity.joined(separator: " · "),
        ].merging(context.filter { ["company_email", "company_phone"].contains($0.key) }) { a, _ in a })

        var qr: String? = nil
        if let iban = creditor.iban, cur == .eur, plan.total.isPositive {
            qr = try EPCPayload.make(name: String(creditor.name.prefix(70)), iban: iban, bic: creditor.bic, amount: plan.total,
                                     reference: reference.formatted, text: nil, information: "\(w.ourReference) \(d.key)".prefix(70).description)
        }
        var letter = LetterDocument(
            sender: .init(name: creditor.name, lines: creditor.addressLines), senderDetails: details,
            recipient: .init(name: d.name, lines: d.addressLines), placeAndDate: w.placeAndDate(city: creditor.city, asOf),
            reference: "\(w.ourReference): \(d.key)", subject: subject, paragraphsBefore: before,
            columns: columns.enumerated().map { .init(title: $0.element, alignment: right.contains($0.offset) ? .right : .left) },
            rows: rows, totals: totals.map { .init(label: $0.0, amount: w.money($0.1), emphasised: $0.2) }, paragraphsAfter: after,
            payment: .init(title: w.paymentTitle, lines: payment, qrPayload: qr, qrCaption: qr == nil ? nil : w.scan),
            pageLabel: w.page, totalsColumn: 4, creationDate: "\(asOf)T00:00:00")
        letter.sections = sections.map { .init(title: $0.0, rows: $0.1) }
        return ComposedReminder(subject: subject, text: text, html: html, letter: letter, reference: reference, payBy: payBy,
                                computation: Self.computation(plan, ladder: ladder, step: step, asOf: asOf, payBy: payBy,
                                                              announced: announced, reminderFees: reminderFees, rules: rules))
    }

    /// The first line `Subject: …` and the rest.
    static func splitSubject(_ text: String) -> (String, String) {
        var lines = text.components(separatedBy: "\n")
        while let f = lines.first, f.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeFirst() }
        guard let first = lines.first, first.hasPrefix("Subject:") else { return ("", text) }
        return (first.dropFirst("Subject:".count).trimmingCharacters(in: .whitespaces), lines.dropFirst().joined(separator: "\n"))
    }

    /// Paragraphs separated by blank lines; lines inside a paragraph kept, trailing spaces trimmed.
    static func paragraphs(_ body: String) -> [String] {
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

    /// A plain-text table with aligned columns (amount columns right-aligned), then the totals.
    static func textTable(columns: [String], rows: [[String]], totals: [(String, String)]) -> String {
        let right: Set<Int> = [3, 4, 5]
        var widths = columns.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
                return right.contains(i) ? pad + c : c + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        var out = [line(columns), String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))]
        out += rows.map(line)
        let amountWidth = max(totals.map(\.1.count).max() ?? 0, widths[4])
        let labelWidth = widths.prefix(4).reduce(0, +) + 6
        for (label, amount) in totals {
            let l = label.count > labelWidth ? label : String(repeating: " ", count: labelWidth - label.count) + label
            out.append(l + "  " + String(repeating: " ", count: max(0, amountWidth - amount.count)) + amount)
        }
        return out.joined(separator: "\n")
    }

    /// The computation behind every amount, as JSON with a fixed key order.
    static func computation(_ plan: DebtorPlan, ladder: Ladder, step: Ladder.Step, asOf: Day, payBy: Day, announced: Int64,
                            reminderFees: Int64, rules: ClaimRules) -> String {
        func money(_ m: Money) -> String { JSONText.quoted(m.decimalString) }
        func list(_ xs: [String]) -> String { "[" + xs.joined(separator: ",") + "]" }
        let items = plan.items.map { p -> String in
            var fields = [
                "\"invoice\":\(JSONText.quoted(p.item.number))", "\"credit_note\":\(p.item.isCreditNote)",
                "\"open\":\(money(p.item.open))", "\"due\":\(JSONText.quoted(p.item.due.description))", "\"days_late\":\(p.daysLate)",
                "\"step\":\(p.stepIndex.map { JSONText.quoted(ladder.steps[$0].name) } ?? "null")", "\"advances\":\(p.advances)",
                "\"excluded\":\(p.excluded.map { JSONText.quoted($0.rawValue) } ?? "null")",
            ]
            if let c = p.claim {
                fields.append("\"interest\":\(money(c.interest))")
                fields.append("\"flat\":\(money(c.flatCompensation))")
                fields.append("\"claimable_from\":\(c.claimableFrom.map { JSONText.quoted($0.description) } ?? "null")")
                fields.append("\"periods\":" + list(c.periods.map {
                    "{\"from\":\"\($0.from)\",\"to\":\"\($0.to)\",\"days\":\($0.days),\"rate\":\(JSONText.quoted("\($0.rate)")),\"amount\":\(money($0.amount))}"
                }))
                fields.append("\"explanation\":" + list(c.explanation.map(JSONText.quoted)))
            }
            return "{" + fields.joined(separator: ",") + "}"
        }
        let cur = plan.balance.currency
        let fields = [
            "\"as_of\":\"\(asOf)\"", "\"kind\":\"\(plan.debtor.kind.rawValue)\"", "\"ladder\":\"\(ladder.kind.rawValue)/v\(ladder.version)\"",
            "\"step\":\(JSONText.quoted(step.name))", "\"currency\":\"\(cur.code)\"", "\"balance\":\(money(plan.balance))",
            "\"unapplied\":\(money(plan.debtor.unapplied))", "\"demanded\":\(money(plan.demanded))", "\"interest\":\(money(plan.interest))", "\"fees\":\(money(plan.fees))",
            "\"reminder_fees\":\(money(Money(minorUnits: reminderFees, currency: cur)))",
            "\"announced_damages\":\(money(Money(minorUnits: announced, currency: cur)))", "\"total\":\(money(plan.total))",
            "\"pay_by\":\"\(payBy)\"", "\"day_count\":\"\(rules.dayCount.rawValue)\"",
            "\"contract_rate\":\(rules.contractRate.map { JSONText.quoted("\($0)") } ?? "null")", "\"items\":" + list(items),
        ]
        return "{" + fields.joined(separator: ",") + "}"
    }
}
