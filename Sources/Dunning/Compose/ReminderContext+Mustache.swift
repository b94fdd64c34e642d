import Mustache

// The template contexts answer swift-mustache's variable look-ups themselves (`MustacheParent`)
// instead of through `Mirror`, which walked every stored property of the context for each
// variable of each message (11 % of the CPU of a 2,254-reminder `dunning run`, issue 17). Each
// case is a stored property of the same name; a name the context does not have, or an optional
// left nil, answers nil as `Mirror` did, so the look-up goes on up the context stack the same way.
// `ReminderContextLookupTests` checks that every stored property answers with its own value.

extension ReminderContext: MustacheParent {
    /// The stored property `name` (a template variable), nil when there is none or it is nil.
    func child(named name: String) -> Any? {
        switch name {
        case "language": return language
        case "debtor_name": return debtor_name
        case "customer_number": return customer_number
        case "company_name": return company_name
        case "date": return date
        case "as_of": return as_of
        case "step": return step
        case "balance": return balance
        case "open_balance": return open_balance
        case "interest": return interest
        case "fees": return fees
        case "total": return total
        case "has_interest": return has_interest
        case "has_fees": return has_fees
        case "claims": return claims
        case "pay_by": return pay_by
        case "iban": return iban
        case "bic": return bic
        case "reference": return reference
        case "damages": return damages
        case "has_damages": return has_damages
        case "rate": return rate
        case "has_rate": return has_rate
        case "announces": return announces
        case "email": return email
        case "letter": return letter
        case "items": return items
        case "enterprise_number": return enterprise_number
        case "company_email": return company_email
        case "company_phone": return company_phone
        case "first_reminder": return first_reminder
        case "signature": return signature
        case "statement": return statement
        default: return nil
        }
    }
}

extension ReminderContext.Item: MustacheParent {
    /// The stored property `name` (a template variable), nil when there is none or it is nil.
    func child(named name: String) -> Any? {
        switch name {
        case "number": return number
        case "date": return date
        case "due": return due
        case "amount": return amount
        case "open": return open
        case "days_late": return days_late
        case "description": return description
        default: return nil
        }
    }
}

extension EmailLayoutContext: MustacheParent {
    /// The stored property `name` (a template variable), nil when there is none or it is nil.
    func child(named name: String) -> Any? {
        switch name {
        case "language": return language
        case "subject": return subject
        case "company_name": return company_name
        case "before": return before
        case "after": return after
        case "columns": return columns
        case "rows": return rows
        case "totals": return totals
        case "sections": return sections
        case "payment_title": return payment_title
        case "payment": return payment
        case "company_details": return company_details
        case "company_email": return company_email
        case "company_phone": return company_phone
        default: return nil
        }
    }
}

extension EmailLayoutContext.Paragraph: MustacheParent {
    /// The stored property `name` (a template variable), nil when there is none or it is nil.
    func child(named name: String) -> Any? {
        switch name {
        case "lines": return lines
        default: return nil
        }
    }
}

extension EmailLayoutContext.Column: MustacheParent {
    /// The stored property `name` (a template variable), nil when there is none or it is nil.
    func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "align": return align
        default: return nil
        }
    }
}

extension EmailLayoutContext.Cell: MustacheParent {
    /// The stored property `name` (a template variable), nil when there is none or it is nil.
    func child(named name: String) -> Any? {
        switch name {
        case "text": return text
        case "align": return align
        default: return nil
        }
    }
}

extension EmailLayoutContext.Row: MustacheParent {
    /// The stored property `name` (a template variable), nil when there is none or it is nil.
    func child(named name: String) -> Any? {
        switch name {
        case "cells": return cells
        default: return nil
        }
    }
}

extension EmailLayoutContext.Total: MustacheParent {
    /// The stored property `name` (a template variable), nil when there is none or it is nil.
    func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "amount": return amount
        case "span": return span
        case "strong": return strong
        default: return nil
        }
    }
}

extension EmailLayoutContext.Section: MustacheParent {
    /// The stored property `name` (a template variable), nil when there is none or it is nil.
    func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "rows": return rows
        default: return nil
        }
    }
}

extension EmailLayoutContext.PaymentLine: MustacheParent {
    /// The stored property `name` (a template variable), nil when there is none or it is nil.
    func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "value": return value
        default: return nil
        }
    }
}
