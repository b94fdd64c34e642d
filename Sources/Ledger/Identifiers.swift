/// A business key that came from the customer's systems (a CSV column), kept as text.
public protocol BusinessKey: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible
where RawValue == String {}

extension BusinessKey {
    /// The raw text.
    public var description: String { rawValue }
    /// Ordered by raw text (Swift string order).
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// The debtor's identifier in the accounting system (`debtor_id`).
public struct DebtorID: BusinessKey {
    /// The key as the source wrote it.
    public let rawValue: String
    /// Wraps a key.
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// An invoice or credit-note number (`invoice_number`), unique across the ledger.
public struct InvoiceNumber: BusinessKey {
    /// The key as the source wrote it.
    public let rawValue: String
    /// Wraps a key.
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// A payment's identifier in its source (`payment_id`).
public struct PaymentID: BusinessKey {
    /// The key as the source wrote it.
    public let rawValue: String
    /// Wraps a key.
    public init(rawValue: String) { self.rawValue = rawValue }
}
