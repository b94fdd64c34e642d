/// Why a billing command could not do its work; nothing was written when it is thrown.
package enum BillingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Index months the run needs and the series lack (every one of them, sorted).
    case missingIndex([MissingIndex])
    /// The workspace's `[company]` lacks what an invoice must show.
    case company(String)
    /// A file could not be written.
    case cannotWrite(String)
    /// A PDF could not be rendered (the invoice number and the renderer's reason).
    case render(String, String)
    /// A notice would reach the customer later than the contract allows.
    case noticeTooLate(deadline: String, indexation: String)
    /// The test hook stopped the run (a simulated crash).
    case interrupted(after: Int)
    /// A Peppol document could not be made (the number and why).
    case peppol(String, String)
    /// A credit note cannot be issued (why).
    case credit(String)

    package var description: String {
        switch self {
        case .missingIndex(let m):
            "the run needs index values that are not published yet; nothing was written:\n"
                + m.map { "  \($0.description)" }.joined(separator: "\n")
        case .company(let why): "relance.toml [company]: \(why)"
        case .cannotWrite(let path): "cannot write \(path)"
        case .render(let number, let why): "cannot render the PDF of invoice \(number): \(why)"
        case .noticeTooLate(let deadline, let date):
            "the indexation of \(date) had to be announced by \(deadline) (two months before); pass --allow-late to send the notices anyway"
        case .interrupted(let n): "interrupted after \(n) invoice(s) (test hook)"
        case .peppol(let number, let why): "cannot make the Peppol document of \(number): \(why)"
        case .credit(let why): "cannot issue the credit note: \(why)"
        }
    }
}
