#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRDB
import Ledger
import Store

/// Erases a debtor's personal data while keeping the amounts the books need.
///
/// In one write transaction with SQLite's `secure_delete` on: the debtor's name becomes
/// `erased-<key>`, its VAT number, e-mail, address and phone are cleared and it is put on hold;
/// the IBANs learnt as its alone are forgotten; the counterparty name, IBAN and free text of its
/// payments (under its key, applied to its invoices, or bank payments from its own accounts or in its
/// name) are cleared; the history rows (`record_change`) of the debtor and those payments are
/// deleted; promise notes are cleared; its messages not yet sent are cancelled, and every message
/// concerning it loses its subject, bodies, attachments and recipients' addresses. Then the files
/// are removed (letters, attachments, pickup `.eml` copies) and the WAL is checkpointed and
/// truncated so no old page survives there. Invoices, payments, allocations, reminder events and
/// their amounts stay. A `data_rights_log` row records who, when and how much.
///
/// This is the one writer outside the owning stages of `debtor`, `payment`, `record_change` and
/// the outbox tables (see `Sources/Store/README.md`): erasure is a legal duty that cuts across them.
package enum DebtorErasure {
    /// What an erasure did (counts and paths, never the erased values).
    package struct Outcome: Sendable, Equatable {
        package var debtorKey: String
        package var messagesCancelled: Int
        package var messagesScrubbed: Int
        package var paymentsScrubbed: Int
        /// Of them, bank payments found by their payer (from an account learnt as the debtor's alone, or
        /// in its name), neither made under its key nor applied to its invoices: a credit never applied.
        package var bankPaymentsScrubbed: Int = 0
        package var historyRowsDeleted: Int
        package var filesRemoved: [String]
        /// Workspace files rewritten with the debtor's values replaced by `erased-<key>` (rejects,
        /// processed exports, reports, previews).
        package var filesRewritten: [String] = []
        /// Workspace files that hold the data but are not Relance's to change (inbox, top level).
        package var filesLeft: [String] = []
        /// True when messages in flight were scrubbed anyway (`force`).
        package var forced: Bool
    }

    /// Why an erasure was refused.
    package enum Refusal: Error, CustomStringConvertible, Equatable {
        case unknownDebtor(String)
        /// Messages for the debtor are being delivered right now (state `active`).
        case inFlight(String, messages: [Int64])

        package var description: String {
            switch self {
            case .unknownDebtor(let k): "no debtor with the key \(k)"
            case .inFlight(let k, let ids):
                "\(ids.count) message\(ids.count == 1 ? " is" : "s are") being delivered to debtor \(k) right now (outbox id "
                    + ids.map(String.init).joined(separator: ", ") + "); try again after the flush, or use --force"
            }
        }
    }

    /// The name an erased debtor keeps.
    package static func erasedName(_ key: String) -> String { "erased-" + key }

    /// Erases the debtor `key`. `workspaceRoot` bounds the files that may be removed (nothing
    /// outside it is touched); `outFolder` is scanned for letters named `<key>-<id>-…`;
    /// `pickupFiles` maps a message's `Message-ID` to the pickup `.eml` path it was written to.
    ///
    /// Then every other file under `workspaceRoot` that holds the debtor's name, e-mail, street,
    /// VAT number, phone or payer name is rewritten or removed (`ErasureFiles`), except the
    /// database, `backups/` and the folders in `keepFolders` (relative to the root).
    package static func erase(debtorKey key: String, store: LedgerStore, workspaceRoot: String, outFolder: String?,
                             pickupFile: ((String) -> String)?, force: Bool, actor: String, at instant: Date,
                             keepFolders: Set<String> = []) throws -> Outcome {
        var files: [String] = []
        var outcome = Outcome(debtorKey: key, messagesCancelled: 0, messagesScrubbed: 0, paymentsScrubbed: 0,
                              historyRowsDeleted: 0, filesRemoved: [], forced: false)
        var debtorID: Int64 = 0
        var personal: [String] = []
        try store.pool.writeWithoutTransaction { db in
            let secureDelete = try DataRightsCommands.setSecureDelete(db, 1)
            defer { _ = try? DataRightsCommands.setSecureDelete(db, secureDelete) }
            try db.inTransaction(.immediate) {
                guard let subject = try ErasureCommands.subject(db, debtorKey: key) else { throw Refusal.unknownDebtor(key) }
                let id = subject.id
                debtorID = id
                personal = [subject.name, subject.email, subject.street, subject.vatNumber, subject.phone].compactMap { $0 }
                // An e-mail field may list several addresses.
                personal += (subject.email ?? "").split(whereSeparator: { $0 == "," || $0 == ";" }).map(String.init)
                let active = try ErasureCommands.markMessages(db, debtorKey: key, debtorID: id)
                if !active.isEmpty && !force { throw Refusal.inFlight(key, messages: active) }
                outcome.forced = !active.isEmpty
                // Cancel what has not gone out, through the outbox's own API (it records the event).
                var cancelled = try OutboxQueue.cancel(db, reason: "debtor erased", where: .debtor(DebtorID(rawValue: key)), at: instant)
                for k in subject.invoiceNumbers {
                    cancelled += try OutboxQueue.cancel(db, reason: "debtor erased", where: .invoice(InvoiceNumber(rawValue: k)), at: instant)
                }
                outcome.messagesCancelled = Set(cancelled).count
                // Files: attachments by path, pickup copies, letters.
                let refs = try ErasureCommands.fileRefs(db, debtorID: id, headers: pickupFile != nil)
                files += refs.attachmentPaths
                if let pickupFile { files += refs.messageIDHeaders.map(pickupFile) }
                files += refs.documentPaths
                outcome.messagesScrubbed = try ErasureCommands.scrubMarkedMessages(db, debtorID: id)
                // Payments: by the debtor's key, applied to its invoices, or from its own accounts or in its name.
                let payments = try ErasureCommands.scrubPayments(db, debtorKey: key, debtorID: id, name: subject.name)
                outcome.historyRowsDeleted += payments.historyRowsDeleted
                outcome.paymentsScrubbed = payments.payments
                outcome.bankPaymentsScrubbed = payments.bankPayments
                // Its accounts' IBANs also as printed, in groups of four.
                personal += payments.payerValues
                personal += payments.payerValues.compactMap { try? IBAN(parsing: $0).formatted }
                outcome.historyRowsDeleted += try ErasureCommands.scrubDebtor(db, debtorKey: key, debtorID: id, erasedName: erasedName(key))
                return .commit
            }
        }
        if let outFolder { files += letters(in: outFolder, key: key, id: debtorID) }
        let root = (workspaceRoot as NSString).standardizingPath + "/"
        for f in Set(files).sorted() {
            let path = ((f.hasPrefix("/") ? f : (workspaceRoot as NSString).appendingPathComponent(f)) as NSString).standardizingPath
            guard path.hasPrefix(root) else { continue }
            if unlink(path) == 0 { outcome.filesRemoved.append(path) }
        }
        // Every other workspace file that still holds one of the values (the database and the
        // backups excepted: the first is scrubbed above, the second rotate out).
        let skip: Set<String> = ["relance.sqlite", "relance.sqlite-wal", "relance.sqlite-shm", "relance.sqlite.before-restore",
                                 "relance.sqlite.before-restore-wal", "relance.sqlite.before-restore-shm", "backups"]
        let scrubbed = ErasureFiles.scrub(root: (workspaceRoot as NSString).standardizingPath, values: personal, key: key,
                                          skip: skip.union(keepFolders), leave: ["inbox"])
        outcome.filesRemoved += scrubbed.removed
        outcome.filesRewritten = scrubbed.rewritten
        outcome.filesLeft = scrubbed.left
        try store.pool.write { db in
            try DataRightsCommands.appendLog(db, at: instant, actor: actor, action: .erase, subject: key, detail: [
                "messages_cancelled": String(outcome.messagesCancelled), "messages_scrubbed": String(outcome.messagesScrubbed),
                "payments_scrubbed": String(outcome.paymentsScrubbed), "bank_payments_scrubbed": String(outcome.bankPaymentsScrubbed),
                "history_rows_deleted": String(outcome.historyRowsDeleted),
                "files_removed": String(outcome.filesRemoved.count), "files_rewritten": String(outcome.filesRewritten.count),
                "forced": outcome.forced ? "true" : "false",
            ])
        }
        try store.pool.writeWithoutTransaction { db in try DataRightsCommands.checkpointTruncate(db) }
        return outcome
    }

    /// Letters the dunning run wrote for the debtor: files under `folder` named `<key>-<id>-…`
    /// (the key with anything but letters, digits, `-`, `_` and `.` replaced by `_`).
    static func letters(in folder: String, key: String, id: Int64) -> [String] {
        let safe = String(key.unicodeScalars.map {
            ($0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0))) ? Character($0) : "_"
        }.prefix(60))
        let prefix = "\(safe)-\(id)-"
        guard let e = FileManager.default.enumerator(atPath: folder) else { return [] }
        var out: [String] = []
        while let rel = e.nextObject() as? String {
            if (rel as NSString).lastPathComponent.hasPrefix(prefix) { out.append((folder as NSString).appendingPathComponent(rel)) }
        }
        return out
    }
}
