import GRDB
import Store

/// The one rule for an invoice's open amount, applied after every change to the invoice or its
/// allocations (docs/INGEST.md, "The open-amount rule"). This is its only implementation.
///
/// Two sources know what is paid: the books, through the export's reported open amount `R` (as of
/// that export), and Relance's own allocations (bank receipts, the books' payment register ingested
/// with `--booked`, and a person's `payments allocate`). An allocation is *reflected* in `R` when
///
/// - its payment came from the books' register (`booked = 1`): the books saw it first; or
/// - it was made before the export that last changed `R` (`reported_batch_id`): for an automatic
///   allocation the batch that made it (`batch_id`), for a manual one the last ingest batch when it
///   was made (`seen_batch_id`). An export repeating the same `R` tells nothing new and moves nothing.
///
/// Reflected allocations can only show that `R` is too high (the export lags the books); the others
/// — a bank receipt or a manual allocation the books have not caught up with — come off it:
///
///     open = max(0, min(R, amount − reflected) − unreflected)
///
/// Without an export open amount, `open = amount − allocated`. So a payment is never counted twice
/// once a later export reflects it, and never lost before. The rule assumes that an export which
/// changes `R` reflects every allocation made before it (the books are reconciled with the bank by
/// the time they export). A credit note's open amount is what the export reports; an invoice closed
/// as settled outside Relance stays at zero. Status and closing follow the amount; an invoice closed
/// by its payments is closed on the latest payment's day.
enum OpenAmount {
    /// Recomputes one invoice's open amount, status and closing day (the rule's code is Store's
    /// `InvoiceOpenFigures.refreshed`, run by `IngestCommands.refreshOpenAmount`; this type is where
    /// the rule is written down).
    static func refresh(_ db: Database, invoiceID: Int64, closedOn: String?) throws {
        try IngestCommands.refreshOpenAmount(db, invoiceID: invoiceID, closedOn: closedOn)
    }

    /// The same, through an ingest's prepared statements.
    static func refresh(_ statements: AllocationStatements, invoiceID: Int64, closedOn: String?) throws {
        try statements.refreshOpenAmount(invoiceID: invoiceID, closedOn: closedOn)
    }

    /// The same from figures already known: those the candidate look-up read just before the
    /// allocation, with the allocation added (`AllocationCandidate.figures(adding:booked:batch:)`).
    static func refresh(_ statements: AllocationStatements, invoiceID: Int64, _ figures: InvoiceOpenFigures, closedOn: String?) throws {
        try statements.refreshOpenAmount(invoiceID: invoiceID, figures, closedOn: closedOn)
    }
}
