import Foundation
import Ledger
import Letters

/// A step template rendered: the subject, and the message's paragraphs before and after the statement.
struct RenderedMessage {
    var subject: String
    var before: [String]
    var after: [String]
}

extension ReminderComposer {
    /// What the step template sees for `plan`.
    func templateContext(_ plan: DebtorPlan, step: Ladder.Step, asOf: Day, channels: [Ladder.Channel], terms: ReminderTerms,
                         reference: StructuredReference, _ w: Wording) -> ReminderContext {
        let d = plan.debtor
        return ReminderContext(
            language: d.language, debtor_name: d.name, customer_number: d.key, company_name: creditor.name,
            date: w.long(asOf), as_of: asOf.description, step: step.name,
            balance: w.money(plan.demanded), open_balance: w.money(plan.balance), interest: w.money(plan.interest),
            fees: w.money(plan.fees), total: w.money(plan.total),
            has_interest: plan.interest.isPositive, has_fees: plan.fees.isPositive, claims: plan.interest.isPositive || plan.fees.isPositive,
            pay_by: w.long(terms.payBy), iban: creditor.iban?.formatted ?? "", bic: creditor.bic ?? "", reference: reference.formatted,
            damages: w.money(terms.announcedDamages), has_damages: terms.announcedDamages.isPositive,
            rate: terms.rateInWords ?? "", has_rate: terms.rateInWords != nil,
            announces: terms.announcedDamages.isPositive || terms.announcedRate != nil,
            email: channels.contains(.email), letter: terms.letterSent,
            items: plan.items.filter(\.advances).map { p in
                ReminderContext.Item(number: p.item.number, date: w.short(p.item.issue), due: w.short(p.item.due), amount: w.money(p.item.amount),
                                     open: w.money(p.item.open), days_late: p.daysLate,
                                     description: p.item.description.flatMap { $0.isEmpty ? nil : $0 })
            },
            enterprise_number: creditor.enterpriseNumber, company_email: creditor.email, company_phone: creditor.phone,
            first_reminder: plan.items.compactMap(\.item.firstReminder).min().map(w.long),
            signature: signature, statement: Self.statementMarker)
    }

    /// The text the e-mail bodies of template `template` in `language` repeat, for the outbox's
    /// compression (`NewOutboxMessage.bodyDictionary`): the plain text and the HTML layout rendered
    /// with the creditor's values, every section switched on, one empty statement row, and empty or
    /// zero values where the debtor's go. It holds no debtor's data and depends only on the
    /// templates, the company and the currency, so a workspace stores a few of them. Nil when the
    /// template does not render (the reminder itself then fails the same way).
    func bodyDictionary(language: String, template: String, currency: Currency) -> String? {
        let w = Wording.of(language)
        let zero = w.money(.zero(currency))
        let context = ReminderContext(
            language: language, debtor_name: "", customer_number: "", company_name: creditor.name, date: "", as_of: "", step: "",
            balance: zero, open_balance: zero, interest: zero, fees: zero, total: zero,
            has_interest: true, has_fees: true, claims: true, pay_by: "", iban: creditor.iban?.formatted ?? "", bic: creditor.bic ?? "",
            reference: "", damages: zero, has_damages: true, rate: "", has_rate: true, announces: true, email: true, letter: false,
            items: [.init(number: "", date: "", due: "", amount: zero, open: zero, days_late: 0, description: nil)],
            enterprise_number: creditor.enterpriseNumber, company_email: creditor.email, company_phone: creditor.phone,
            first_reminder: "", signature: signature, statement: Self.statementMarker)
        guard let message = try? render(context, template: template) else { return nil }
        let statement = Statement(lines: [], totals: [.init(role: .overdue, amount: .zero(currency), emphasised: false),
                                                     .init(role: .totalDue, amount: .zero(currency), emphasised: true)])
        let payment = paymentLines(total: .zero(currency), reference: Self.reference(debtorID: 0), w)
        var layout = emailLayout(message, statement, payment: payment, w)
        layout.rows = [.init(cells: layout.columns.map { .init(text: "", align: $0.align) })]
        return Self.text(message, statement, w) + templates.layout(layout)
    }

    /// The signature: the signatory and function when configured, then the company, a line each.
    var signature: String {
        let signer = [creditor.signatoryName, creditor.signatoryFunction].compactMap { $0 }.filter { !$0.isEmpty }
        return (signer + [creditor.name]).joined(separator: "\n")
    }

    /// Renders the step template `name` in the context's language and cuts it at the statement.
    func render(_ context: ReminderContext, template name: String) throws -> RenderedMessage {
        let rendered = try templates.render(language: context.language, name: name, context)
        let (subject, body) = Self.splitSubject(rendered)
        guard !subject.isEmpty else {
            throw ReminderTemplates.Problem(file: "templates/\(context.language)/\(name).mustache", message: "the first line must be `Subject: …`")
        }
        let paragraphs = Self.paragraphs(body)
        let cut = paragraphs.firstIndex(of: Self.statementMarker)
        return RenderedMessage(subject: subject, before: cut.map { Array(paragraphs[..<$0]) } ?? paragraphs,
                               after: cut.map { Array(paragraphs[($0 + 1)...]) } ?? [])
    }

    /// The plain-text e-mail body: the message with the statement as aligned tables in its place.
    static func text(_ m: RenderedMessage, _ s: Statement, _ w: Wording) -> String {
        let table = textTable(s, rows: s.rows(s.lines(in: .demanded), w), totals: s.totals.map { ($0.label(w), w.money($0.amount)) }, w)
            + s.informationSections.map { section in
                "\n\n" + (Statement.heading(section.section, w) ?? "") + "\n" + textTable(s, rows: s.rows(section.lines, w), totals: [], w)
            }.joined()
        return (m.before + [table] + m.after).joined(separator: "\n\n") + "\n"
    }

    /// A plain-text table with aligned columns (amount columns right-aligned), then the totals, their
    /// amounts right-aligned under the totals column and their labels under the columns before it.
    static func textTable(_ s: Statement, rows: [[String]], totals: [(String, String)], _ w: Wording) -> String {
        let headings = s.columns.map { w.heading($0) }
        var widths = headings.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            let joined = cells.enumerated().map { i, c in
                let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
                return s.columns[i].alignment == .right ? pad + c : c + pad
            }.joined(separator: "  ")
            return trimmedBlanks(joined)
        }
        var out = [line(headings), String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))]
        out += rows.map(line)
        let amountColumn = s.totalsColumnIndex
        let amountWidth = max(totals.map(\.1.count).max() ?? 0, widths[amountColumn])
        let labelWidth = widths.prefix(amountColumn).reduce(0, +) + 2 * (amountColumn - 1)
        for (label, amount) in totals {
            let l = label.count > labelWidth ? label : String(repeating: " ", count: labelWidth - label.count) + label
            out.append(l + "  " + String(repeating: " ", count: max(0, amountWidth - amount.count)) + amount)
        }
        return out.joined(separator: "\n")
    }

    /// What the HTML e-mail layout sees.
    func emailLayout(_ m: RenderedMessage, _ s: Statement, payment: [(label: String, value: String)],
                     _ w: Wording) -> EmailLayoutContext {
        func align(_ c: StatementColumn) -> String { c.alignment == .right ? "right" : "left" }
        func rows(_ lines: [StatementLine]) -> [EmailLayoutContext.Row] {
            s.rows(lines, w).map { cells in .init(cells: zip(s.columns, cells).map { .init(text: $0.1, align: align($0.0)) }) }
        }
        func paragraphs(_ ps: [String]) -> [EmailLayoutContext.Paragraph] { ps.map { .init(lines: $0.components(separatedBy: "\n")) } }
        return EmailLayoutContext(
            language: w.language, subject: m.subject, company_name: creditor.name, before: paragraphs(m.before), after: paragraphs(m.after),
            columns: s.columns.map { .init(title: w.heading($0), align: align($0)) }, rows: rows(s.lines(in: .demanded)),
            totals: s.totals.map { .init(label: $0.label(w), amount: w.money($0.amount), span: s.columns.count - 1, strong: $0.emphasised) },
            sections: s.informationSections.map { .init(title: Statement.heading($0.section, w) ?? "", rows: rows($0.lines)) },
            payment_title: w.paymentTitle, payment: payment.map { .init(label: $0.label, value: $0.value) },
            company_details: identity(w).joined(separator: " · "), company_email: creditor.email, company_phone: creditor.phone)
    }

    /// Payment details, shared by the HTML e-mail and the letter.
    func paymentLines(total: Money, reference: StructuredReference, _ w: Wording) -> [(label: String, value: String)] {
        var lines: [(label: String, value: String)] = [(w.beneficiary, creditor.name)]
        if let iban = creditor.iban { lines.append(("IBAN", iban.formatted)) }
        if let bic = creditor.bic { lines.append(("BIC", bic)) }
        lines.append((w.communication, reference.formatted))
        lines.append((w.amountLabel, w.money(total)))
        return lines
    }

    /// The legal identity every letter and e-mail states: VAT or enterprise number, register and court seat.
    func identity(_ w: Wording) -> [String] {
        var identity: [String] = []
        if let e = creditor.enterpriseNumber { identity.append(creditor.vatRegistered ? "\(w.vat) BE \(e)" : "\(w.enterprise) \(e)") }
        if let r = creditor.register, !r.isEmpty { identity.append(r) }
        return identity
    }

    /// The letter: letterhead, the message around the statement, and the payment slip with its QR code.
    func letter(_ m: RenderedMessage, _ s: Statement, plan: DebtorPlan, payment: [(label: String, value: String)],
                reference: StructuredReference, asOf: Day, _ w: Wording) throws -> LetterDocument {
        let d = plan.debtor
        var details = identity(w)
        if let iban = creditor.iban { details.append("IBAN \(iban.formatted)" + (creditor.bic.map { " · BIC \($0)" } ?? "")) }
        if let e = creditor.email { details.append(e) }
        if let p = creditor.phone { details.append(p) }
        let qr = try qrPayload(total: plan.total, reference: reference, customer: d.key, w)
        var letter = LetterDocument(
            sender: .init(name: creditor.name, lines: creditor.addressLines), senderDetails: details,
            recipient: .init(name: d.name, lines: d.addressLines), placeAndDate: w.placeAndDate(city: creditor.city, asOf),
            reference: "\(w.ourReference): \(d.key)", subject: m.subject, paragraphsBefore: m.before,
            columns: s.columns.map { .init(title: w.heading($0), alignment: $0.alignment) },
            rows: s.rows(s.lines(in: .demanded), w), totals: s.totals.map { .init(label: $0.label(w), amount: w.money($0.amount), emphasised: $0.emphasised) },
            paragraphsAfter: m.after,
            payment: .init(title: w.paymentTitle, lines: payment, qrPayload: qr, qrCaption: qr == nil ? nil : w.scan),
            pageLabel: w.page, totalsColumn: s.totalsColumnIndex, creationDate: "\(asOf)T00:00:00")
        letter.sections = s.informationSections.map { .init(title: Statement.heading($0.section, w) ?? "", rows: s.rows($0.lines, w)) }
        return letter
    }

    /// The EPC "scan to pay" payload: only for a euro total to pay to a configured IBAN.
    func qrPayload(total: Money, reference: StructuredReference, customer: String, _ w: Wording) throws -> String? {
        guard let iban = creditor.iban, total.currency == .eur, total.isPositive else { return nil }
        return try EPCPayload.make(name: String(creditor.name.prefix(70)), iban: iban, bic: creditor.bic, amount: total,
                                   reference: reference.formatted, text: nil, information: "\(w.ourReference) \(customer)".prefix(70).description)
    }
}
