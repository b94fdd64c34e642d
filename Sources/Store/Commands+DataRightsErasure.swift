import Foundation
import GRDB
import Ledger

/// The debtor an erasure is about, with the personal values to look for in the workspace's files.
package struct ErasureSubject: Sendable {
    /// `debtor.id`.
    package var id: Int64
    /// Name, e-mail field, street, VAT number, phone, as stored.
    package var name: String?, email: String?, street: String?, vatNumber: String?, phone: String?
    /// Its invoices' and credit notes' numbers.
    package var invoiceNumbers: [String]
}

/// The files the database points to for the messages and letters of an erased debtor.
package struct ErasureFileRefs: Sendable {
    /// Attachments stored as a path.
    package var attachmentPaths: [String] = []
    /// The `Message-ID` of each message that got one (a pickup copy is named after it).
    package var messageIDHeaders: [String] = []
    /// Letters (`dunning_event.document_path`).
    package var documentPaths: [String] = []
}

/// What scrubbing the payments of an erased debtor did.
package struct PaymentScrub: Sendable {
    /// Payments whose counterparty data were cleared.
    package var payments: Int
    /// Of them, the bank payments neither made under its key nor applied to its invoices: from an
    /// account learnt as its alone, or in its name (`ErasureCommands.ownBankPaymentsSQL`).
    package var bankPayments: Int
    /// Their `record_change` rows deleted.
    package var historyRowsDeleted: Int
    /// The payer names of the payments under its key, the IBANs of its own accounts and the payer
    /// names of its bank payments, to look for in the workspace's files (reports, processed statements).
    package var payerValues: [String]
}

/// The erasure of a debtor's personal data (`relance debtor erase`), step by step, in the
/// caller's write transaction: the one writer across the owners of `debtor`, `payment`,
/// `promise_to_pay`, `record_change`, `debtor_account`, `debtor_note`, `action_journal` and the
/// outbox tables (see `Sources/Store/README.md`). Amounts, allocations and reminder events stay.
///
/// The messages concerned are collected in the temporary table `erase_message` by
/// `markMessages`, read by `fileRefs` and `scrubMarkedMessages`, emptied by the latter.
package enum ErasureCommands {
    /// The debtor with key `key` and its personal values; nil when there is none.
    package static func subject(_ db: Database, debtorKey key: String) throws -> ErasureSubject? {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM debtor WHERE debtor_key = ?", arguments: [key]) else {
            return nil
        }
        var subject = ErasureSubject(id: id, invoiceNumbers: [])
        if let row = try Row.fetchOne(db, sql: "SELECT name, email, street, vat_number, phone FROM debtor WHERE id = ?",
                                      arguments: [id]) {
            subject.name = row[0]
            subject.email = row[1]
            subject.street = row[2]
            subject.vatNumber = row[3]
            subject.phone = row[4]
        }
        // In the order `invoice_by_debtor` gave before 0048 (closed before open, then by due date): the
        // cancellations' events keep their order.
        subject.invoiceNumbers = try String.fetchAll(db, sql: """
            SELECT invoice_number FROM invoice WHERE debtor_id = ? ORDER BY status, due_date, id
            """, arguments: [id])
        return subject
    }

    /// Collects in `erase_message` every outbox message that references the debtor or one of its
    /// invoices; returns those being delivered right now (state `active`), by id.
    package static func markMessages(_ db: Database, debtorKey key: String, debtorID id: Int64) throws -> [Int64] {
        try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS erase_message (id INTEGER PRIMARY KEY)")
        try db.execute(sql: "DELETE FROM erase_message")
        try db.execute(sql: """
            INSERT OR IGNORE INTO erase_message SELECT r.message_id FROM outbox_reference r
            WHERE (r.kind = 'debtor' AND r.key = ?1)
               OR (r.kind = 'invoice' AND r.key IN (SELECT invoice_number FROM invoice WHERE debtor_id = ?2))
            """, arguments: [key, id])
        // References read through a reminder's event (migration 0031a): its debtor, or an advanced
        // item's invoice of the debtor.
        try db.execute(sql: """
            INSERT OR IGNORE INTO erase_message SELECT m.id FROM dunning_event e
              JOIN outbox_message m ON m.id = e.outbox_message_id AND m.dunning_event_id = e.id WHERE e.debtor_id = ?1
            UNION SELECT m.id FROM invoice i JOIN dunning_event_item it ON it.invoice_id = i.id AND it.advanced = 1
              JOIN dunning_event e ON e.id = it.event_id
              JOIN outbox_message m ON m.id = e.outbox_message_id AND m.dunning_event_id = e.id WHERE i.debtor_id = ?1
            """, arguments: [id])
        return try Int64.fetchAll(db, sql: """
            SELECT m.id FROM outbox_message m JOIN erase_message e ON e.id = m.id WHERE m.state = 'active' ORDER BY m.id
            """)
    }

    /// The files of the marked messages (attachments by path, and with `headers` their
    /// `Message-ID`s) and the debtor's letters.
    package static func fileRefs(_ db: Database, debtorID id: Int64, headers: Bool) throws -> ErasureFileRefs {
        var refs = ErasureFileRefs()
        refs.attachmentPaths = try String.fetchAll(db, sql: """
            SELECT p FROM (SELECT \(OutboxAttachmentSQL.path("a")) AS p FROM outbox_attachment a JOIN erase_message e ON e.id = a.message_id)
            WHERE p IS NOT NULL
            """)
        if headers {
            // Stored whole before migration 0030c, derived from the key and the domain since.
            refs.messageIDHeaders = try Row.fetchAll(db, sql: """
                SELECT m.message_id_header, \(OutboxMessageKeySQL.key("m")), x.domain FROM outbox_message m JOIN erase_message e ON e.id = m.id
                LEFT JOIN outbox_message_id_domain x ON x.id = m.message_id_domain_id
                WHERE m.message_id_header IS NOT NULL OR x.domain IS NOT NULL
                """).map { row in (row[0] as String?) ?? OutboxMessageID.header(key: row[1], domain: row[2]) }
        }
        refs.documentPaths = try String.fetchAll(db, sql: """
            SELECT \(DunningEventRecord.documentPathSQL()) FROM dunning_event WHERE debtor_id = ? AND document_path IS NOT NULL
            """, arguments: [id])
        return refs
    }

    /// Blanks the marked messages' subject, bodies, errors and replies, their recipients'
    /// addresses and names, their events' details (a cancellation's reason stays), deletes their
    /// attachments, forgets the debtor's letters' paths, and empties the marks. Returns how many
    /// messages were scrubbed.
    package static func scrubMarkedMessages(_ db: Database, debtorID id: Int64) throws -> Int {
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM erase_message") ?? 0
        try db.execute(sql: """
            UPDATE outbox_message SET subject = '[erased]', text_body = '[erased]', html_body = NULL, bodies_z = NULL, last_error = NULL,
              server_reply = CASE WHEN server_reply IS NULL THEN NULL ELSE '[erased]' END,
              bounce_reason = CASE WHEN bounce_reason IS NULL THEN NULL ELSE '[erased]' END
            WHERE id IN (SELECT id FROM erase_message);
            UPDATE outbox_recipient SET address = 'erased-' || id || '@erased.invalid', display_name = NULL, reply = NULL
            WHERE message_id IN (SELECT id FROM erase_message);
            DELETE FROM outbox_attachment WHERE message_id IN (SELECT id FROM erase_message);
            UPDATE outbox_event SET detail = NULL, detail_id = NULL WHERE message_id IN (SELECT id FROM erase_message) AND to_state <> 'cancelled';
            DELETE FROM erase_message;
            """)
        try db.execute(sql: "UPDATE dunning_event SET document_path = NULL, document_folder_id = NULL WHERE debtor_id = ?", arguments: [id])
        return count
    }

    /// The accounts learnt as the debtor's (`?1`, its id) and no other debtor's: an account that
    /// pays for other debtors too (a parent company, a payment provider) is no evidence of whose a
    /// payment from it is.
    static let ownAccountsSQL = """
        SELECT a.iban FROM debtor_account a WHERE a.debtor_id = ?1
          AND NOT EXISTS (SELECT 1 FROM debtor_account b WHERE b.iban = a.iban AND b.debtor_id <> ?1)
        """

    /// The debtor's bank payments found by their payer, whether applied or not: from one of its own
    /// accounts (`ownAccountsSQL`, `?1` its id), or in its name (`?2`, already folded by `payerName`;
    /// an empty name is no one's). Only a bank statement's payments carry a payer, and they are read
    /// through the statements' batches (`payment_by_batch`), not the whole table.
    static let ownBankPaymentsSQL = """
        SELECT p.payment_key, p.counterparty_iban, p.counterparty_name FROM payment p
        WHERE p.created_batch_id IN (SELECT id FROM ingest_batch WHERE kind IN ('coda', 'camt'))
          AND (p.counterparty_iban IN (\(ownAccountsSQL))
               OR (?2 <> '' AND relance_payer_name(p.counterparty_name) = ?2))
        """

    /// A payer's name as a bank may write the debtor's: without case, accents or extra spaces
    /// (`Brasserie Éclair` and `  BRASSERIE  ECLAIR ` are one name; CODA and many banks write names in
    /// capitals without accents).
    static func payerName(_ name: String) -> String {
        name.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// `payerName` for SQL, on the erasure's connection only.
    static let payerNameFunction = DatabaseFunction("relance_payer_name", argumentCount: 1, pure: true) { values in
        String.fromDatabaseValue(values[0]).map(payerName)
    }

    /// Clears the counterparty IBAN, name and free text of the debtor's payments, and deletes their
    /// history rows: those made under its key or applied to its invoices, and the bank payments from
    /// an account learnt as its alone or in its name (`ownBankPaymentsSQL`: a credit never applied
    /// has no key and no allocation). Reads the learnt accounts, so it runs before `scrubDebtor`.
    package static func scrubPayments(_ db: Database, debtorKey key: String, debtorID id: Int64, name: String?) throws -> PaymentScrub {
        // No index reads payments by debtor key (only the unapplied ones): one pass over the table,
        // which also gives the payer names to look for in files.
        var paymentKeys: [String] = []
        var known = Set<String>()
        var values: [String] = []
        for row in try Row.fetchAll(db, sql: "SELECT payment_key, counterparty_name FROM payment WHERE debtor_key = ?", arguments: [key]) {
            if known.insert(row[0]).inserted { paymentKeys.append(row[0]) }
            if let payer: String = row[1] { values.append(payer) }
        }
        for k in try String.fetchAll(db, sql: """
            SELECT p.payment_key FROM payment p JOIN payment_allocation a ON a.payment_id = p.id
              JOIN invoice i ON i.id = a.invoice_id WHERE i.debtor_id = ?
            """, arguments: [id]) where known.insert(k).inserted {
            paymentKeys.append(k)
        }
        values += try String.fetchAll(db, sql: ownAccountsSQL, arguments: [id])
        var bank = 0
        db.add(function: payerNameFunction)
        defer { db.remove(function: payerNameFunction) }
        for row in try Row.fetchAll(db, sql: ownBankPaymentsSQL, arguments: [id, payerName(name ?? "")]) {
            values += [row[1], row[2]].compactMap { $0 }
            if known.insert(row[0]).inserted {
                paymentKeys.append(row[0])
                bank += 1
            }
        }
        var history = 0
        for k in paymentKeys {
            try db.execute(sql: """
                UPDATE payment SET counterparty_iban = NULL, counterparty_name = NULL, free_text = NULL WHERE payment_key = ?
                """, arguments: [k])
            try db.execute(sql: "DELETE FROM record_change WHERE entity = 'payment' AND entity_key = ?", arguments: [k])
            history += db.changesCount
        }
        return PaymentScrub(payments: paymentKeys.count, bankPayments: bank, historyRowsDeleted: history,
                            payerValues: Array(Set(values)).sorted())
    }

    /// Deletes the debtor's history rows, the IBANs learnt as its alone (`ownAccountsSQL`) and notes; clears promise notes, journal
    /// details, hold and dispute reasons; renames it `erasedName`, clears its contact data and puts
    /// it on hold. Returns the history rows deleted.
    package static func scrubDebtor(_ db: Database, debtorKey key: String, debtorID id: Int64, erasedName: String) throws -> Int {
        try db.execute(sql: "DELETE FROM record_change WHERE entity = 'debtor' AND entity_key = ?", arguments: [key])
        let history = db.changesCount
        // Its own accounts; one that pays for other debtors as well stays theirs and its: deleting the
        // link would change how their payments are matched (`payerCount`: an account paying for four
        // debtors is no evidence, for three it is), and the IBAN stays in their rows anyway.
        try db.execute(sql: "DELETE FROM debtor_account WHERE debtor_id = ?1 AND iban IN (\(ownAccountsSQL))", arguments: [id])
        try db.execute(sql: "UPDATE promise_to_pay SET note = NULL WHERE debtor_id = ?", arguments: [id])
        // Notes and the details of journaled actions (reasons typed by a person); the journal keeps who, when, what.
        try db.execute(sql: "DELETE FROM debtor_note WHERE debtor_id = ?", arguments: [id])
        try db.execute(sql: "UPDATE action_journal SET detail = '{}' WHERE debtor_id = ? AND detail <> '{}'", arguments: [id])
        try db.execute(sql: "UPDATE debtor SET hold_reason = 'erased' WHERE id = ? AND hold_reason IS NOT NULL", arguments: [id])
        try db.execute(sql: "UPDATE invoice SET dispute_reason = 'erased' WHERE debtor_id = ? AND dispute_reason IS NOT NULL",
                       arguments: [id])
        try db.execute(sql: """
            UPDATE debtor SET name = ?, vat_number = NULL, email = NULL, street = NULL, postal_code = NULL, city = NULL,
              phone = NULL, on_hold = 1, content_hash = 0 WHERE id = ?
            """, arguments: [erasedName, id])
        return history
    }
}
