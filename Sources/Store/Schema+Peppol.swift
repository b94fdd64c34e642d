import GRDB

extension Schema {
    /// E-invoicing (owner: Billing, except `peppol_document`'s delivery state, owned by Outbox).
    ///
    /// - `contract.vat_rate`, `contract.vat_exemption`: a contract's own VAT rate and, for a rate of
    ///   0, the exemption reason code (`VATEX-EU-AE`, …); NULL keeps `[billing] vat_rate`.
    /// - `billing_channel`: how a debtor receives its invoices (`peppol` or `email`) and its Peppol
    ///   participant id (`0208:0403019261`); no row means the default (Peppol for a Belgian B2B debtor).
    /// - `billing_invoice.ubl_path`: the UBL document written beside the PDF; `billing_line.vat_exemption`
    ///   the exemption code of a 0 % line.
    /// - `billing_credit_note`: a credit note Billing issued, the invoice it credits and why.
    /// - `peppol_document`: the Peppol outbox, one UBL document per row, with the e-mail outbox's
    ///   states (`queued`, `active` under a lease, `deferred` with its next attempt, `hold`, `sent` with
    ///   the access point's answer, `bounced` with the reason) and a state history in `peppol_event`.
    static func peppolV1(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE contract ADD COLUMN vat_rate TEXT;
            ALTER TABLE contract ADD COLUMN vat_exemption TEXT;
            ALTER TABLE billing_invoice ADD COLUMN ubl_path TEXT;
            ALTER TABLE billing_line ADD COLUMN vat_exemption TEXT;

            CREATE TABLE billing_channel (
              debtor_id INTEGER PRIMARY KEY REFERENCES debtor(id),
              channel TEXT NOT NULL CHECK (channel IN ('peppol', 'email')),
              peppol_id TEXT CHECK (peppol_id IS NULL OR peppol_id GLOB '[0-9][0-9][0-9][0-9]:?*'),
              updated_at TEXT NOT NULL
            );

            CREATE TABLE billing_credit_note (
              invoice_id INTEGER PRIMARY KEY REFERENCES invoice(id),
              credited_invoice_id INTEGER NOT NULL UNIQUE REFERENCES billing_invoice(invoice_id),
              reason TEXT NOT NULL,
              sequence_name TEXT NOT NULL,
              sequence_value INTEGER NOT NULL,
              net_minor INTEGER NOT NULL CHECK (net_minor <= 0),
              vat_minor INTEGER NOT NULL CHECK (vat_minor <= 0),
              pdf_path TEXT NOT NULL,
              ubl_path TEXT,
              run_id INTEGER REFERENCES run(id),
              created_at TEXT NOT NULL,
              UNIQUE (sequence_name, sequence_value)
            );

            CREATE TABLE peppol_document (
              id INTEGER PRIMARY KEY,
              idempotency_key TEXT NOT NULL UNIQUE,
              invoice_number TEXT NOT NULL,
              document_type TEXT NOT NULL CHECK (document_type IN ('invoice', 'credit_note')),
              period TEXT NOT NULL CHECK (length(period) = 7),
              receiver TEXT NOT NULL,
              path TEXT NOT NULL,
              state TEXT NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'active', 'deferred', 'hold', 'sent', 'bounced')),
              created_at TEXT NOT NULL,
              lifetime_from TEXT NOT NULL,
              next_attempt_at TEXT NOT NULL,
              attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
              lease_owner TEXT,
              lease_until TEXT,
              last_attempt_at TEXT,
              last_error TEXT,
              transport TEXT,
              reply TEXT,
              sent_at TEXT,
              bounce_reason TEXT,
              updated_at TEXT NOT NULL,
              CHECK ((state = 'active') = (lease_owner IS NOT NULL AND lease_until IS NOT NULL)),
              CHECK ((state = 'sent') = (sent_at IS NOT NULL)),
              CHECK ((state = 'bounced') = (bounce_reason IS NOT NULL))
            );
            CREATE INDEX peppol_document_due ON peppol_document(state, next_attempt_at, id)
              WHERE state IN ('queued', 'deferred');

            CREATE TABLE peppol_event (
              id INTEGER PRIMARY KEY,
              document_id INTEGER NOT NULL REFERENCES peppol_document(id),
              at TEXT NOT NULL,
              from_state TEXT,
              to_state TEXT NOT NULL,
              actor TEXT NOT NULL,
              detail TEXT
            );
            CREATE INDEX peppol_event_by_document ON peppol_event(document_id, id);
            """)
    }
}
