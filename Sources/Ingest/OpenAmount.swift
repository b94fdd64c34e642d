import GRDB

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
    /// An allocation the export's open amount already reflects (SQL over `a`, `p` and `invoice`).
    static let reflected = "(p.booked = 1 OR COALESCE(a.batch_id, a.seen_batch_id, 0) < invoice.reported_batch_id)"

    /// Recomputes one invoice's open amount, status and closing day.
    static func refresh(_ db: Database, invoiceID: Int64, closedOn: String?) throws {
        try db.cachedStatement(sql: """
            UPDATE invoice SET open_minor = CASE
                WHEN closed_reason = 'settled_outside' THEN 0
                WHEN type = 'credit_note' THEN COALESCE(reported_open_minor, amount_minor)
                WHEN reported_open_minor IS NULL THEN MAX(0, amount_minor
                  - (SELECT COALESCE(SUM(a.amount_minor), 0) FROM payment_allocation a WHERE a.invoice_id = invoice.id))
                ELSE MAX(0, MIN(reported_open_minor, amount_minor
                    - (SELECT COALESCE(SUM(a.amount_minor), 0) FROM payment_allocation a JOIN payment p ON p.id = a.payment_id
                       WHERE a.invoice_id = invoice.id AND \(reflected)))
                  - (SELECT COALESCE(SUM(a.amount_minor), 0) FROM payment_allocation a JOIN payment p ON p.id = a.payment_id
                     WHERE a.invoice_id = invoice.id AND NOT \(reflected)))
              END
            WHERE id = ?
            """).execute(arguments: [invoiceID])
        try db.cachedStatement(sql: """
            UPDATE invoice SET status = CASE WHEN open_minor = 0 THEN 'closed' ELSE 'open' END,
              closed_reason = CASE WHEN open_minor = 0 THEN COALESCE(closed_reason, 'paid') ELSE NULL END,
              closed_on = CASE WHEN open_minor <> 0 THEN NULL
                WHEN ?1 IS NULL THEN closed_on
                WHEN closed_on IS NULL OR closed_on < ?1 THEN ?1 ELSE closed_on END
            WHERE id = ?2
            """).execute(arguments: [closedOn, invoiceID])
    }
}
