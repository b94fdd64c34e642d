import Foundation

// The values the mustache templates see, as typed values. A variable is looked up by the name of a
// stored property (`child(named:)` in ReminderContext+Mustache.swift: a new property needs its case
// there, or the templates do not see it and ReminderContextLookupTests fails), so the properties
// are named exactly as the template variables, in snake_case (`pay_by`, `debtor_name`): these names
// are the templates' public contract (docs/DUNNING.md lists them, workspaces have their own
// templates), so they are not renamed to Swift style. An optional left nil is a variable that does
// not exist: `{{#enterprise_number}}…{{/…}}` renders nothing. `Codable`, so the context can be
// written out as JSON under the same names.

/// What a step's template (`templates/<language>/<step>.mustache`) sees.
struct ReminderContext: Codable, Sendable {
    /// One item the reminder advances, for `{{#items}}…{{/items}}`.
    struct Item: Codable, Sendable {
        var number: String
        /// The issue date, short (`21/11/2026`).
        var date: String
        var due: String
        var amount: String
        var open: String
        var days_late: Int
        /// The invoice's description; nil when it has none (or an empty one).
        var description: String?
    }

    var language: String
    var debtor_name: String
    var customer_number: String
    var company_name: String
    /// Tonight's date, long (`21 november 2026`), and as ISO (`2026-11-21`).
    var date: String
    var as_of: String
    /// The ladder step's name.
    var step: String
    /// The demanded principal; the whole statement's balance.
    var balance: String
    var open_balance: String
    var interest: String
    var fees: String
    var total: String
    var has_interest: Bool
    var has_fees: Bool
    /// Interest or fees are charged.
    var claims: Bool
    /// The last day of the payment period, long.
    var pay_by: String
    /// The creditor's IBAN and BIC ("" when not configured) and the debtor's structured communication.
    var iban: String
    var bic: String
    var reference: String
    /// What a consumer's first reminder announces: the flat damages and the rate, in words.
    var damages: String
    var has_damages: Bool
    var rate: String
    var has_rate: Bool
    var announces: Bool
    /// The channels the reminder goes by tonight.
    var email: Bool
    var letter: Bool
    var items: [Item]
    var enterprise_number: String?
    var company_email: String?
    var company_phone: String?
    /// The day of the debtor's first reminder, long; nil before it.
    var first_reminder: String?
    /// The signatory and function when configured, then the company, a line each.
    var signature: String
    /// Where the statement of account goes: a marker the composer replaces with the table.
    var statement: String
}

/// What the HTML e-mail layout (`templates/layout.html.mustache`) sees: the rendered step template
/// cut into paragraphs around the statement, the statement's table, and the payment block.
struct EmailLayoutContext: Codable, Sendable {
    /// A paragraph of the message, its lines kept (`<br>` between them).
    struct Paragraph: Codable, Sendable {
        var lines: [String]
    }

    /// A column heading and its alignment (`left` or `right`).
    struct Column: Codable, Sendable {
        var title: String
        var align: String
    }

    /// One cell of a statement row.
    struct Cell: Codable, Sendable {
        var text: String
        var align: String
    }

    /// One statement row.
    struct Row: Codable, Sendable {
        var cells: [Cell]
    }

    /// A totals line; `span` is the number of columns its label covers, `strong` the total due.
    struct Total: Codable, Sendable {
        var label: String
        var amount: String
        var span: Int
        var strong: Bool
    }

    /// Items listed under the totals, for information.
    struct Section: Codable, Sendable {
        var title: String
        var rows: [Row]
    }

    /// One line of the payment block.
    struct PaymentLine: Codable, Sendable {
        var label: String
        var value: String
    }

    var language: String
    var subject: String
    var company_name: String
    var before: [Paragraph]
    var after: [Paragraph]
    var columns: [Column]
    var rows: [Row]
    var totals: [Total]
    var sections: [Section]
    var payment_title: String
    var payment: [PaymentLine]
    /// The legal identity (VAT or enterprise number, register), joined with ` · `.
    var company_details: String
    var company_email: String?
    var company_phone: String?
}
