@testable import Dunning
import Foundation
import Testing

/// The template contexts answer swift-mustache's look-ups themselves (`MustacheParent`, issue 17):
/// every stored property, found by `Mirror` as swift-mustache did before, answers by its own name
/// with its own value, and an optional left nil and an unknown name answer nil, as through `Mirror`.
/// (That the templates render the same bytes, the golden e-mails and letters say.)
@Suite struct ReminderContextLookupTests {
    static let reminder = #"{"language": "language-1", "debtor_name": "debtor_name-2", "customer_number": "customer_number-3", "company_name": "company_name-4", "date": "date-5", "as_of": "as_of-6", "step": "step-7", "balance": "balance-8", "open_balance": "open_balance-9", "interest": "interest-10", "fees": "fees-11", "total": "total-12", "has_interest": false, "has_fees": true, "claims": false, "pay_by": "pay_by-16", "iban": "iban-17", "bic": "bic-18", "reference": "reference-19", "damages": "damages-20", "has_damages": false, "rate": "rate-22", "has_rate": false, "announces": true, "email": false, "letter": true, "items": [{"number": "number-28", "date": "date-29", "due": "due-30", "amount": "amount-31", "open": "open-32", "days_late": 33, "description": "description-34"}], "enterprise_number": "enterprise_number-35", "company_email": "company_email-36", "signature": "signature-37", "statement": "statement-38"}"#
    static let layout = #"{"language": "language-39", "subject": "subject-40", "company_name": "company_name-41", "before": [{"lines": ["lines-43", "second"]}], "after": [{"lines": ["lines-45", "second"]}], "columns": [{"title": "title-47", "align": "align-48"}], "rows": [{"cells": [{"text": "text-51", "align": "align-52"}]}], "totals": [{"label": "label-54", "amount": "amount-55", "span": 56, "strong": false}], "sections": [{"title": "title-59", "rows": [{"cells": [{"text": "text-62", "align": "align-63"}]}]}], "payment_title": "payment_title-64", "payment": [{"label": "label-66", "value": "value-67"}], "company_details": "company_details-68", "company_email": "company_email-69"}"#

    /// `value`'s text, an optional unwrapped as `Mirror`'s look-up did.
    static func text(_ value: Any?) -> String {
        guard let value else { return "nil" }
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional { return mirror.children.first.map { text($0.value) } ?? "nil" }
        return String(describing: value)
    }

    /// `object`'s look-up, for the context types.
    static func lookup(_ object: Any) -> ((String) -> Any?)? {
        switch object {
        case let o as ReminderContext: o.child(named:)
        case let o as ReminderContext.Item: o.child(named:)
        case let o as EmailLayoutContext: o.child(named:)
        case let o as EmailLayoutContext.Paragraph: o.child(named:)
        case let o as EmailLayoutContext.Column: o.child(named:)
        case let o as EmailLayoutContext.Cell: o.child(named:)
        case let o as EmailLayoutContext.Row: o.child(named:)
        case let o as EmailLayoutContext.Total: o.child(named:)
        case let o as EmailLayoutContext.Section: o.child(named:)
        case let o as EmailLayoutContext.PaymentLine: o.child(named:)
        default: nil
        }
    }

    /// Every stored property of `object` (and of the values in its arrays) answers as `Mirror` says.
    static func check(_ object: Any, _ path: String) {
        guard let parent = lookup(object) else {
            Issue.record("\(path): \(type(of: object)) does not answer look-ups itself")
            return
        }
        #expect(parent("no_such_variable") == nil, "\(path)")
        for child in Mirror(reflecting: object).children {
            guard let label = child.label else { continue }
            let answer = parent(label)
            #expect(text(answer) == text(child.value), "\(path).\(label)")
            if let array = child.value as? [Any] {
                for element in array where !(element is String) { check(element, "\(path).\(label)[]") }
            }
        }
    }

    @Test func everyStoredPropertyAnswersByItsName() throws {
        let reminder = try JSONDecoder().decode(ReminderContext.self, from: Data(Self.reminder.utf8))
        let layout = try JSONDecoder().decode(EmailLayoutContext.self, from: Data(Self.layout.utf8))
        Self.check(reminder, "ReminderContext")
        Self.check(layout, "EmailLayoutContext")
        #expect(reminder.child(named: "first_reminder") == nil)
        #expect(layout.child(named: "company_phone") == nil)
        #expect(Mirror(reflecting: reminder).children.count == 33 && Mirror(reflecting: layout).children.count == 14)
    }
}
