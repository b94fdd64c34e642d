import GRDB

// The kinds and states Ingest writes as strings, typed (the database values are unchanged).

/// `invoice.type`: an invoice, or a credit note (a negative amount).
package enum InvoiceType: String, DatabaseValueConvertible, Sendable {
    case invoice
    case creditNote = "credit_note"
}

/// `invoice.status`: `open` exactly when the invoice has no closing reason.
package enum InvoiceStatus: String, DatabaseValueConvertible, Sendable {
    case open, closed
}

/// `invoice.source`: who wrote the row (Ingest's CSV or UBL readers, or Billing).
package enum InvoiceSource: String, DatabaseValueConvertible, Sendable {
    case csv, ubl, billing
}

/// `record_change.entity`: the table of the changed record.
package enum RecordEntity: String, DatabaseValueConvertible, Sendable {
    case debtor, invoice, payment
}

/// `record_change.change`: what happened to the record.
package enum RecordChangeKind: String, DatabaseValueConvertible, Sendable {
    case update, reopen, close
}

/// `payment_allocation.rule`: the matching rule that applied a payment to an invoice.
package enum AllocationRule: String, DatabaseValueConvertible, Sendable {
    case invoiceNumber = "invoice_number"
    case structuredReference = "structured_reference"
    case rfReference = "rf_reference"
    case debtorOldestFirst = "debtor_oldest_first"
    case invoiceNumberInText = "invoice_number_in_text"
    case uniqueOpenAmount = "unique_open_amount"
    case manual
}

/// `promise_to_pay.status`.
package enum PromiseStatus: String, DatabaseValueConvertible, Codable, Sendable, CaseIterable {
    case open, kept, broken
}

/// `promise_to_pay.source`: a person's command, or an export's expected payment date.
package enum PromiseSource: String, DatabaseValueConvertible, Codable, Sendable {
    case command, export
}

/// A record's columns as text (nil for NULL), for the change history (`record_change`).
package typealias ColumnTexts = [String: String?]

extension Row {
    /// Every column as text: integers in decimal, blobs as `<n bytes>`.
    func columnTexts() -> ColumnTexts {
        var out: ColumnTexts = [:]
        for (name, value) in self {
            switch value.storage {
            case .null: out[name] = .some(nil)
            case .int64(let i): out[name] = String(i)
            case .double(let d): out[name] = String(d)
            case .string(let s): out[name] = s
            case .blob(let b): out[name] = "<\(b.count) bytes>"
            }
        }
        return out
    }
}
