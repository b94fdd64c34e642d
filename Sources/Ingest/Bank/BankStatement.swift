import Ledger

/// One account statement read from a CODA or camt file, before it touches the ledger.
struct BankStatement: Sendable {
    /// `coda` or `camt`.
    var format: String
    /// Identity across imports: the same statement imported twice has the same key.
    var key: String
    /// The statement's account (IBAN, or the old Belgian account number).
    var account: String
    var currency: Currency
    var date: Day?
    var oldBalance: Int64?
    var newBalance: Int64?
    var movements: [BankMovement] = []
    /// Line (CODA) or entry number (camt) where the statement starts, for diagnostics.
    var line: Int
}

/// One movement: a credit (money in) or a debit, with what identifies the payer and the invoice.
struct BankMovement: Sendable {
    /// Identity within the statement (sequence and detail, or the entry reference).
    var key: String
    var line: Int
    /// Minor units; positive for a credit, negative for a debit.
    var amount: Int64
    var bookingDate: Day
    var valueDate: Day?
    /// A Belgian structured communication (12 digits), when the movement carries one.
    var ogm: String?
    /// An ISO 11649 RF reference, when the movement carries one.
    var rf: String?
    /// Free (unstructured) communication.
    var freeText: String?
    var counterpartyIBAN: String?
    var counterpartyName: String?
    /// True for the total of a globalised movement whose details follow (not a payment itself).
    var isGlobalTotal = false
    /// True for a detail of a globalised movement (not counted again in the balance).
    var isDetail = false
}

/// Why a bank file was refused.
struct BankFileError: Error, CustomStringConvertible {
    var line: Int
    var rule: String
    var message: String
    var description: String { "[\(rule)] \(message)" }
}
