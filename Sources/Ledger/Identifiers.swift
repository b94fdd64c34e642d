/// A business key that came from the customer's systems (a CSV column), kept as text.
package protocol BusinessKey: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible
where RawValue == String {}

extension BusinessKey {
    /// The raw text.
    package var description: String { rawValue }
    /// Ordered by raw text (Swift string order).
    package static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// The debtor's identifier in the accounting system (`debtor_id`).
package struct DebtorID: BusinessKey {
    /// The key as the source wrote it.
    package let rawValue: String
    /// Wraps a key.
    package init(rawValue: String) { self.rawValue = rawValue }
}

/// An invoice or credit-note number (`invoice_number`), unique across the ledger.
package struct InvoiceNumber: BusinessKey {
    /// The key as the source wrote it.
    package let rawValue: String
    /// Wraps a key.
    package init(rawValue: String) { self.rawValue = rawValue }
}

/// A payment's identifier in its source (`payment_id`).
package struct PaymentID: BusinessKey {
    /// The key as the source wrote it.
    package let rawValue: String
    /// Wraps a key.
    package init(rawValue: String) { self.rawValue = rawValue }
}
