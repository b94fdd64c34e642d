import GRDB
import GRDBSQLite

// Ingest's writes of the rows it owns (`debtor`, `invoice`, `payment`, `record_change`,
// `ingest_batch`, `bank_statement`). The per-row upserts own statements prepared once per ingest
// and bound and stepped through SQLite's C API (`BulkStatement`): the hot path of a million rows.

/// One debtor row as an export gives it, ready to store.
package struct DebtorRow: Sendable {
    package var key, name, kind: String
    package var vat, email: String?
    package var language: String
    package var street, postalCode, city: String?
    package var country: String
    package var phone: String?
    package var terms: Int?
    package var onHold: Bool
    /// `YYYY-MM-DD`.
    package var paperlessSince: String?
    /// `8.00`.
    package var interestRate: String?
    package var publicAuthority: Bool
    /// nil keeps what is stored.
    package var directDebit: Bool?

    /// Every field.
    package init(key: String, name: String, kind: String, vat: String?, email: String?, language: String, street: String?,
                postalCode: String?, city: String?, country: String, phone: String?, terms: Int?, onHold: Bool,
                paperlessSince: String?, interestRate: String?, publicAuthority: Bool, directDebit: Bool?) {
        self.key = key; self.name = name; self.kind = kind; self.vat = vat; self.email = email; self.language = language
        self.street = street; self.postalCode = postalCode; self.city = city; self.country = country; self.phone = phone
        self.terms = terms; self.onHold = onHold; self.paperlessSince = paperlessSince; self.interestRate = interestRate
        self.publicAuthority = publicAuthority; self.directDebit = directDebit
    }
}

/// The insert-first upsert of `debtor` by `debtor_key`, prepared once per ingest.
package final class DebtorUpsert {
    private let find: BulkStatement
    private let insert: BulkStatement

    /// Prepares the statements on `db` (use them in its transaction only).
    package init(_ db: Database) throws {
        find = try BulkStatement(db, "SELECT id, content_hash FROM debtor WHERE debtor_key = ?")
        insert = try BulkStatement(db, """
            INSERT INTO debtor (debtor_key, name, kind, vat_number, email, language, street, postal_code, city,
              country, phone, payment_terms_days, on_hold, content_hash, created_batch_id, updated_batch_id, paperless_since,
              interest_rate_percent, public_authority, direct_debit)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, 0))
            ON CONFLICT (debtor_key) DO NOTHING
            """)
    }

    /// Inserts the row; nil when it was new, else the existing row's id and content hash (nothing changed).
    package func insertOrFind(_ v: DebtorRow, hash: Int64, batch: Int64) throws -> (id: Int64, hash: Int64)? {
        insert.bind(1, v.key); insert.bind(2, v.name); insert.bind(3, v.kind); insert.bind(4, v.vat)
        insert.bind(5, v.email); insert.bind(6, v.language); insert.bind(7, v.street); insert.bind(8, v.postalCode)
        insert.bind(9, v.city); insert.bind(10, v.country); insert.bind(11, v.phone); insert.bind(12, v.terms)
        insert.bind(13, v.onHold); insert.bind(14, hash); insert.bind(15, batch); insert.bind(16, batch)
        insert.bind(17, v.paperlessSince); insert.bind(18, v.interestRate); insert.bind(19, v.publicAuthority)
        insert.bind(20, v.directDebit.map { $0 ? 1 : 0 } as Int?)
        return try insert.insertOrFind(find, key: v.key)
    }
}

/// One invoice or credit note row, ready to store.
package struct InvoiceRow: Sendable {
    package var number: String
    package var debtorID: Int64
    package var type: InvoiceType
    /// `YYYY-MM-DD`.
    package var issue, due: String
    package var currency: String
    package var amount: Int64
    /// The export's open amount (nil: not given).
    package var reportedOpen: Int64?
    package var reference, description: String?
    package var disputed: Bool

    /// Every field.
    package init(number: String, debtorID: Int64, type: InvoiceType, issue: String, due: String, currency: String, amount: Int64,
                reportedOpen: Int64?, reference: String?, description: String?, disputed: Bool) {
        self.number = number; self.debtorID = debtorID; self.type = type; self.issue = issue; self.due = due
        self.currency = currency; self.amount = amount; self.reportedOpen = reportedOpen; self.reference = reference
        self.description = description; self.disputed = disputed
    }
}

/// The insert-first upsert of `invoice` by `invoice_number`, prepared once per ingest.
///
/// `row_check` (migration 0028) ties a row's bytes to the content hash they gave: the ingest's
/// fingerprint of the row's fields (and of what their meaning depends on) mixed with that hash
/// (`InvoiceUpsert.rowCheck`). A later row with the same fingerprint whose check still matches the
/// stored hash is unchanged without being read again; any other writer of `content_hash` makes the
/// check stale, so such a row simply takes the full path.
package final class InvoiceUpsert {
    private let find: BulkStatement
    private let insert: BulkStatement
    private let check: BulkStatement
    private let setCheck: BulkStatement

    /// Prepares the statements on `db` (use them in its transaction only).
    package init(_ db: Database) throws {
        find = try BulkStatement(db, "SELECT id, content_hash, row_check FROM invoice WHERE invoice_number = ?")
        check = try BulkStatement(db, "SELECT content_hash, row_check FROM invoice WHERE invoice_number = ?")
        setCheck = try BulkStatement(db, "UPDATE invoice SET row_check = ? WHERE id = ?")
        insert = try BulkStatement(db, """
            INSERT INTO invoice (invoice_number, debtor_id, type, issue_date, due_date, currency, amount_minor,
              reported_open_minor, reported_batch_id, open_minor, structured_reference, description, disputed, status,
              closed_reason, source, content_hash, created_batch_id, updated_batch_id, row_check)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (invoice_number) DO NOTHING
            """)
    }

    /// The stored check of a row whose fingerprint is `fingerprint` and whose content hash is `hash`:
    /// equal fingerprints and equal hashes give equal checks, and for one hash two fingerprints never
    /// share a check (nor two hashes for one fingerprint): the mix is a bijection in each.
    package static func rowCheck(fingerprint: UInt64, hash: Int64) -> Int64 {
        Int64(bitPattern: fingerprint ^ (UInt64(bitPattern: hash) &* 0xff51_afd7_ed55_8ccd))
    }

    /// A stored invoice as the upsert sees it.
    package struct Known {
        /// The invoice's id.
        package var id: Int64
        /// Its `content_hash`.
        package var hash: Int64
        /// `row_check`, nil when none was stored.
        package var check: Int64?
    }

    /// Inserts the row open at `open` (closed as paid when zero: settled before it reached Relance);
    /// nil when it was new, else the existing row (nothing changed).
    package func insertOrFind(_ v: InvoiceRow, open: Int64, source: InvoiceSource, hash: Int64, batch: Int64, check: Int64?) throws
        -> Known?
    {
        insert.bind(1, v.number); insert.bind(2, v.debtorID); insert.bind(3, v.type.rawValue)
        insert.bind(4, v.issue); insert.bind(5, v.due); insert.bind(6, v.currency)
        insert.bind(7, v.amount); insert.bind(8, v.reportedOpen); insert.bind(9, v.reportedOpen == nil ? nil : batch)
        insert.bind(10, open); insert.bind(11, v.reference); insert.bind(12, v.description); insert.bind(13, v.disputed)
        insert.bind(14, (open == 0 ? InvoiceStatus.closed : .open).rawValue); insert.bind(15, open == 0 ? "paid" : nil)
        insert.bind(16, source.rawValue); insert.bind(17, hash); insert.bind(18, batch); insert.bind(19, batch)
        insert.bind(20, check)
        try insert.run()
        if insert.changes == 1 { return nil }
        guard let known = try find(number: v.number) else { throw StoreError.upsertLost(key: v.number) }
        return known
    }

    /// The stored invoice, nil when there is none: a re-ingest, where most rows are known, looks up
    /// first and binds the whole row only for a new one (`insertOrFind`).
    package func find(number: String) throws -> Known? {
        find.bind(1, number)
        defer { find.reset() }
        guard try find.step() else { return nil }
        return Known(id: find.int64(0), hash: find.int64(1), check: find.isNull(2) ? nil : find.int64(2))
    }

    /// True when the invoice numbered by these bytes is stored with the check that `fingerprint`
    /// gives with its stored content hash: the row that has this fingerprint is unchanged.
    package func isUnchanged(number: UnsafeBufferPointer<UInt8>, fingerprint: UInt64) throws -> Bool {
        check.bind(1, bytes: number)
        defer { check.reset() }
        guard try check.step(), !check.isNull(1) else { return false }
        return check.int64(1) == Self.rowCheck(fingerprint: fingerprint, hash: check.int64(0))
    }

    /// Stores a row's check (an unchanged row whose bytes differ from the ones last checked).
    package func setRowCheck(id: Int64, _ value: Int64) throws {
        setCheck.bind(1, value)
        setCheck.bind(2, id)
        try setCheck.run()
    }
}

/// Appends new invoices many to a statement, for a first load (an `invoice` table that was empty
/// when the ingest's transaction began, whose keys the ingest has already made unique): one
/// `INSERT … VALUES (…), (…), …` of `rowsPerStatement` rows instead of one statement per row, and
/// every text bound from one buffer without a copy by SQLite. Against one row a statement (the
/// same values through SQLite's C API, system SQLite 3.40, 1M invoices): 5.1 → 3.1 s CPU. Rows are
/// stored with the same values `InvoiceUpsert.insertOrFind` gives a new invoice. A row that would
/// not be inserted as it stands (a stored key, a failed constraint) fails the statement, whose rows
/// are then all undone, and the caller stores the same rows one by one as before, so the outcome
/// and any error are those of the row-by-row path. The statement is `INSERT OR FAIL`, undone by
/// `run` itself: the rows before the refused one are deleted by their numbers. So SQLite keeps no
/// statement journal for it (an `ABORT` statement of many rows copies every page it changes that
/// existed before it, here the right edges and the unique index's leaves: ≈ 280 KB a statement,
/// beyond SQLite's 64 KiB in memory, so a temporary file took 287k `pwrite` calls for 1M rows).
package final class InvoiceAppend {
    /// Rows a statement carries (20 parameters each: 1,280, under SQLite's 32,766).
    package static let rowsPerStatement = 64
    private let statement: BulkStatement
    // The buffers below are used by one thread, the database's, and no access to one overlaps
    // another to the same: unchecked, so that binding a row's texts does not register and look up
    // two dynamic accesses a text (`swift_beginAccess`: 2.5 % of the first load's database thread).
    /// The texts of the rows being bound, end to end.
    @exclusivity(unchecked) private var texts: [UInt8] = []
    /// Where each text parameter's bytes are in `texts`.
    @exclusivity(unchecked) private var spans: [(parameter: Int32, start: Int, count: Int)] = []
    @exclusivity(unchecked) private var rows: Int32 = 0
    /// The bound rows' invoice numbers, in order (to undo the rows a failed statement kept).
    @exclusivity(unchecked) private var numbers: [String] = []
    private let undo: BulkStatement

    /// Prepares the statement on `db` (use it in its transaction only).
    package init(_ db: Database) throws {
        let one = "(" + Array(repeating: "?", count: 20).joined(separator: ", ") + ")"
        undo = try BulkStatement(db, "DELETE FROM invoice WHERE invoice_number = ?")
        statement = try BulkStatement(db, """
            INSERT OR FAIL INTO invoice (invoice_number, debtor_id, type, issue_date, due_date, currency, amount_minor,
              reported_open_minor, reported_batch_id, open_minor, structured_reference, description, disputed, status,
              closed_reason, source, content_hash, created_batch_id, updated_batch_id, row_check)
            VALUES \(Array(repeating: one, count: Self.rowsPerStatement).joined(separator: ", "))
            """)
        texts.reserveCapacity(Self.rowsPerStatement * 160)
        spans.reserveCapacity(Self.rowsPerStatement * 8)
        numbers.reserveCapacity(Self.rowsPerStatement)
    }

    /// True when a statement's worth of rows is bound.
    package var isFull: Bool { rows == Self.rowsPerStatement }

    private func text(_ p: Int32, _ v: String?) {
        guard var s = v else { sqlite3_bind_null(statement.handle, p); return }
        s.withUTF8 { spans.append((p, texts.count, $0.count)); texts.append(contentsOf: $0) }
    }

    private func int(_ p: Int32, _ v: Int64?) {
        guard let v else { sqlite3_bind_null(statement.handle, p); return }
        sqlite3_bind_int64(statement.handle, p, v)
    }

    /// Binds the next row (call `run` when `isFull`), as `InvoiceUpsert.insertOrFind` would insert it.
    package func add(number: String, debtorID: Int64, type: InvoiceType, issue: String, due: String, currency: String,
                     amount: Int64, reportedOpen: Int64?, reference: String?, description: String?, disputed: Bool,
                     open: Int64, source: InvoiceSource, hash: Int64, batch: Int64, check: Int64?) {
        precondition(!isFull, "InvoiceAppend: the statement's rows are all bound")
        let b = rows * 20
        text(b + 1, number); int(b + 2, debtorID); text(b + 3, type.rawValue)
        text(b + 4, issue); text(b + 5, due); text(b + 6, currency)
        int(b + 7, amount); int(b + 8, reportedOpen); int(b + 9, reportedOpen == nil ? nil : batch)
        int(b + 10, open); text(b + 11, reference); text(b + 12, description); int(b + 13, disputed ? 1 : 0)
        text(b + 14, (open == 0 ? InvoiceStatus.closed : .open).rawValue); text(b + 15, open == 0 ? "paid" : nil)
        text(b + 16, source.rawValue); int(b + 17, hash); int(b + 18, batch); int(b + 19, batch)
        int(b + 20, check)
        numbers.append(number)
        rows += 1
    }

    /// Inserts the bound rows (`isFull`) and forgets them, whether it succeeded or threw (then
    /// nothing of them is left inserted).
    package func run() throws {
        precondition(isFull, "InvoiceAppend: a statement carries exactly \(Self.rowsPerStatement) rows")
        defer { clear() }
        try texts.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            // Bound without a copy (no destructor: SQLITE_STATIC); `texts` does not change until the step is done.
            for s in spans { sqlite3_bind_text(statement.handle, s.parameter, base + s.start, Int32(s.count), nil) }
            do {
                try statement.run()
            } catch {
                // OR FAIL keeps the rows before the refused one (SQLite counts them; none when a
                // trigger's RAISE(ABORT) undid the statement): new keys, each deleted by its number.
                let kept = Int(statement.changes)
                sqlite3_clear_bindings(statement.handle)
                for number in numbers.prefix(kept) {
                    undo.bind(1, number)
                    try undo.run()
                }
                throw error
            }
            let inserted = statement.changes
            // No pointer into `texts` survives the step.
            sqlite3_clear_bindings(statement.handle)
            guard inserted == rows else { throw StoreError.notStored(what: "\(Int(rows) - Int(inserted)) of \(rows) invoices appended") }
        }
    }

    /// Forgets the rows bound since the last `run`.
    package func clear() {
        sqlite3_clear_bindings(statement.handle)
        texts.removeAll(keepingCapacity: true)
        spans.removeAll(keepingCapacity: true)
        numbers.removeAll(keepingCapacity: true)
        rows = 0
    }
}

/// One payment row from an export, ready to store.
package struct PaymentRow: Sendable {
    package var key: String
    /// `YYYY-MM-DD`.
    package var date: String
    package var currency: String
    package var amount: Int64
    package var invoiceNumber, reference, debtorKey: String?
    /// From the books' payment register (`--booked`).
    package var booked: Bool

    /// Every field.
    package init(key: String, date: String, currency: String, amount: Int64, invoiceNumber: String?, reference: String?,
                debtorKey: String?, booked: Bool) {
        self.key = key; self.date = date; self.currency = currency; self.amount = amount; self.invoiceNumber = invoiceNumber
        self.reference = reference; self.debtorKey = debtorKey; self.booked = booked
    }
}

/// The look-up and insert of `payment` by `payment_key`, prepared once per ingest.
package final class PaymentUpsert {
    private let find: BulkStatement
    private let insert: BulkStatement

    /// Prepares the statements on `db` (use them in its transaction only).
    package init(_ db: Database) throws {
        find = try BulkStatement(db, "SELECT id, content_hash FROM payment WHERE payment_key = ?")
        insert = try BulkStatement(db, """
            INSERT INTO payment (payment_key, payment_date, currency, amount_minor, invoice_number, structured_reference,
              debtor_key, unapplied_minor, content_hash, created_batch_id, updated_batch_id, booked, unapplied_reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    /// The stored payment's id and content hash.
    package func find(key: String) throws -> (id: Int64, hash: Int64)? {
        find.bind(1, key)
        defer { find.reset() }
        guard try find.step() else { return nil }
        return (find.int64(0), find.int64(1))
    }

    /// Inserts a new payment with what is left unapplied of it and why (all of it by default); returns its id.
    package func insert(_ v: PaymentRow, hash: Int64, batch: Int64, unapplied: Int64? = nil, reason: String? = nil) throws -> Int64 {
        insert.bind(1, v.key); insert.bind(2, v.date); insert.bind(3, v.currency)
        insert.bind(4, v.amount); insert.bind(5, v.invoiceNumber); insert.bind(6, v.reference)
        insert.bind(7, v.debtorKey); insert.bind(8, unapplied ?? v.amount); insert.bind(9, hash); insert.bind(10, batch)
        insert.bind(11, batch); insert.bind(12, v.booked); insert.bind(13, reason)
        try insert.run()
        return insert.lastInsertedRowID
    }
}

/// One open invoice as the snapshot closing sees it.
package struct OpenInvoiceRef: Sendable {
    package var id: Int64
    package var number: String
    package var openMinor: Int64
}

/// A debtor as invoice validation needs it: its id and payment terms.
package struct DebtorTerms: Sendable {
    package var id: Int64
    package var key: String
    package var terms: Int?
}

/// Ingest's writes.
package enum IngestCommands {
    /// Updates a known debtor to the export's values (a hold set by a person keeps `on_hold`;
    /// a nil direct debit keeps the stored one).
    package static func updateDebtor(_ db: Database, id: Int64, _ v: DebtorRow, hash: Int64, batch: Int64) throws {
        try db.cachedStatement(sql: """
            UPDATE debtor SET name = ?, kind = ?, vat_number = ?, email = ?, language = ?, street = ?,
              postal_code = ?, city = ?, country = ?, phone = ?, payment_terms_days = ?,
              on_hold = CASE WHEN hold_reason IS NOT NULL THEN on_hold ELSE ? END,
              content_hash = ?, updated_batch_id = ?, paperless_since = ?, interest_rate_percent = ?, public_authority = ?,
              direct_debit = COALESCE(?, direct_debit) WHERE id = ?
            """).execute(arguments: [v.name, v.kind, v.vat, v.email, v.language, v.street, v.postalCode, v.city, v.country,
                                     v.phone, v.terms, v.onHold, hash, batch, v.paperlessSince, v.interestRate, v.publicAuthority,
                                     v.directDebit, id])
    }

    /// Updates a known invoice to the export's values; its open amount is left for `refreshOpenAmount`,
    /// only brought within the new amount meanwhile (a lower amount than what was open broke the
    /// table's CHECK and failed the whole ingest).
    /// The reported open amount keeps its batch when the export repeats it; a dispute set by a person stays.
    /// `check` is the row's new `row_check` (see `InvoiceUpsert`), nil when it has none.
    package static func updateInvoice(_ db: Database, id: Int64, _ v: InvoiceRow, hash: Int64, batch: Int64, check: Int64? = nil) throws {
        try db.cachedStatement(sql: """
            UPDATE invoice SET reported_open_minor = ?1,
              reported_batch_id = CASE WHEN ?1 IS NULL THEN NULL
                WHEN reported_open_minor IS ?1 AND reported_batch_id IS NOT NULL THEN reported_batch_id ELSE ?2 END,
              structured_reference = ?3, description = ?4,
              disputed = CASE WHEN dispute_reason IS NOT NULL THEN disputed ELSE ?5 END, content_hash = ?6, updated_batch_id = ?7,
              debtor_id = ?8, type = ?9, issue_date = ?10, due_date = ?11, currency = ?12, amount_minor = ?13,
              row_check = ?15,
              open_minor = CASE WHEN ?9 = 'credit_note' THEN MIN(0, MAX(open_minor, ?13)) ELSE MAX(0, MIN(open_minor, ?13)) END
            WHERE id = ?14
            """).execute(arguments: [v.reportedOpen, batch, v.reference, v.description, v.disputed, hash, batch,
                                     v.debtorID, v.type, v.issue, v.due, v.currency, v.amount, id, check])
    }

    /// Updates a known payment to the export's values, all of it unapplied again (its allocations
    /// are reversed first by the caller).
    package static func updatePayment(_ db: Database, id: Int64, _ v: PaymentRow, hash: Int64, batch: Int64) throws {
        try db.cachedStatement(sql: """
            UPDATE payment SET payment_date = ?, currency = ?, amount_minor = ?, invoice_number = ?,
              structured_reference = ?, debtor_key = ?, unapplied_minor = ?, content_hash = ?, updated_batch_id = ?,
              booked = ?
            WHERE id = ?
            """).execute(arguments: [v.date, v.currency, v.amount, v.invoiceNumber, v.reference,
                                     v.debtorKey, v.amount, hash, batch, v.booked, id])
    }

    /// Appends one line of the change history (old and new values as JSON objects).
    package static func recordChange(_ db: Database, batch: Int64, entity: RecordEntity, key: String, change: RecordChangeKind,
                                    old: String, new: String) throws {
        try db.cachedStatement(sql: """
            INSERT INTO record_change (batch_id, entity, entity_key, change, old_values, new_values) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [batch, entity, key, change, old, new])
    }

    /// Closes an open invoice the snapshot did not list: settled outside Relance on `day`.
    package static func closeSettledOutside(_ db: Database, invoiceID: Int64, on day: String, batch: Int64) throws {
        try db.cachedStatement(sql: """
            UPDATE invoice SET status = 'closed', closed_reason = 'settled_outside', closed_on = ?, open_minor = 0,
              updated_batch_id = ? WHERE id = ?
            """).execute(arguments: [day, batch, invoiceID])
    }

    /// Records on the batch how many open invoices its snapshot closed.
    package static func setClosedBySnapshot(_ db: Database, batch: Int64, count: Int) throws {
        try db.cachedStatement(sql: "UPDATE ingest_batch SET closed_by_snapshot = ? WHERE id = ?").execute(arguments: [count, batch])
    }

    /// Fills what a debtor lacks (e-mail, address, phone) from a UBL buyer; known values stay.
    package static func fillDebtorGaps(_ db: Database, id: Int64, email: String?, street: String?, postalCode: String?,
                                      city: String?, phone: String?) throws {
        try db.execute(sql: """
            UPDATE debtor SET email = COALESCE(email, ?), street = COALESCE(street, ?), postal_code = COALESCE(postal_code, ?),
              city = COALESCE(city, ?), phone = COALESCE(phone, ?) WHERE id = ?
            """, arguments: [email, street, postalCode, city, phone, id])
    }
}

/// Ingest's reads of the rows it owns.
package enum IngestQueries {
    /// A record's columns as text (nil for NULL), for the change history; the caller found its id in
    /// this transaction, so a missing row is an error.
    package static func columnTexts(_ db: Database, _ entity: RecordEntity, id: Int64) throws -> ColumnTexts {
        let sql: String
        switch entity {
        case .debtor: sql = "SELECT * FROM debtor WHERE id = ?"
        case .invoice: sql = "SELECT * FROM invoice WHERE id = ?"
        case .payment: sql = "SELECT * FROM payment WHERE id = ?"
        }
        guard let r = try Row.fetchOne(db.cachedStatement(sql: sql), arguments: [id]) else {
            throw StoreError.rowVanished(id: id, query: sql)
        }
        return r.columnTexts()
    }

    /// An invoice's open amount and status (after `refreshOpenAmount`).
    package static func openState(_ db: Database, invoiceID: Int64) throws -> (openMinor: Int64, status: InvoiceStatus) {
        let sql = "SELECT open_minor, status FROM invoice WHERE id = ?"
        guard let r = try Row.fetchOne(db.cachedStatement(sql: sql), arguments: [invoiceID]) else {
            throw StoreError.rowVanished(id: invoiceID, query: sql)
        }
        return (r[0], r[1])
    }

    /// The id of the debtor with this key.
    package static func debtorID(_ db: Database, key: String) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM debtor WHERE debtor_key = ?"), arguments: [key])
    }

    /// The key of the debtor with this id.
    package static func debtorKey(_ db: Database, id: Int64) throws -> String? {
        try String.fetchOne(db, sql: "SELECT debtor_key FROM debtor WHERE id = ?", arguments: [id])
    }

    /// The first debtor (lowest id) with this VAT number.
    package static func debtorID(_ db: Database, vatNumber: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM debtor WHERE vat_number = ? ORDER BY id LIMIT 1", arguments: [vatNumber])
    }

    /// Every debtor with its payment terms, streamed to `body`.
    package static func forEachDebtorTerms(_ db: Database, _ body: (DebtorTerms) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT id, debtor_key, payment_terms_days FROM debtor")
        while let r = try rows.next() { try body(DebtorTerms(id: r[0], key: r[1], terms: r[2])) }
    }

    /// Keys of debtors whose personal data was erased (`relance debtor erase`, in `data_rights_log`),
    /// with the day of the last erasure.
    package static func erasedDebtors(_ db: Database) throws -> [String: String] {
        Dictionary(try Row.fetchAll(db, sql: """
            SELECT subject, MAX(substr(at, 1, 10)) FROM data_rights_log
            WHERE action = 'erase' AND subject IS NOT NULL GROUP BY subject
            """).map { ($0[0] as String, $0[1] as String) }, uniquingKeysWith: { a, _ in a })
    }

    /// The open invoices of one source that `keep` selects (streamed; only those are held).
    package static func openInvoices(_ db: Database, source: InvoiceSource, where keep: (String) -> Bool) throws -> [OpenInvoiceRef] {
        var out: [OpenInvoiceRef] = []
        let open = try Row.fetchCursor(db, sql: """
            SELECT id, invoice_number, open_minor FROM invoice WHERE status = 'open' AND source = ?
            """, arguments: [source])
        while let r = try open.next() {
            let number: String = r[1]
            if keep(number) { out.append(OpenInvoiceRef(id: r[0], number: number, openMinor: r[2])) }
        }
        return out
    }

    /// The type and debtor key of the invoice with this number.
    package static func invoiceTypeAndDebtor(_ db: Database, number: String) throws -> (type: InvoiceType, debtorKey: String)? {
        try Row.fetchOne(db, sql: """
            SELECT i.type, d.debtor_key FROM invoice i JOIN debtor d ON d.id = i.debtor_id WHERE i.invoice_number = ?
            """, arguments: [number]).map { ($0[0], $0[1]) }
    }
}

/// The secondary indexes of a table, set aside for a first bulk load and built again after it.
///
/// Inserting a million rows into a table with five indexes costs a B-tree descent per index and
/// row, in the order of the file (random for `debtor_id`); building each index afterwards from the
/// full table is one sort. Only done when the table is empty, and inside the caller's transaction:
/// a failed or killed load leaves the old state (the table and every index), a committed one the
/// same indexes with the same SQL (`sqlite_master` is unchanged). The table's own constraints
/// (primary key, `UNIQUE` columns) stay in place throughout.
package struct DeferredIndexes: Sendable {
    /// The indexes dropped, with the SQL that made them, by table, then name.
    package let dropped: [(name: String, sql: String)]

    /// Nothing set aside.
    package static let none = DeferredIndexes(dropped: [])

    /// Indexes kept in place through a first load, where keeping them costs less than building them
    /// afterwards: each build reads the whole table once more and sorts it, on one thread, between
    /// the last row and the commit.
    /// - `invoice_disputed_by_batch` (the disputed rows by `created_batch_id`, then rowid: the load's
    ///   batch and its new ids only grow, so each insert appends at the index's right edge; 2 % of a
    ///   1M-row load).
    /// - The partial `payment_unapplied` and `payment_unapplied_by_debtor` (`WHERE unapplied_minor > 0`):
    ///   a row outside the `WHERE` costs its test, where each build read every payment for the few it
    ///   keeps (none at scale 1: 1.4 s of builds).
    /// - `payment_allocation_by_invoice` is read during a first load of payments: each candidate
    ///   look-up sums its invoice's allocations through it (without it, a scan of every allocation).
    /// The payment indexes whose keys also rise in a first load (`payment_by_batch`,
    /// `payment_allocation_by_batch`, `payment_allocation_by_payment`) are built afterwards: kept in
    /// place they cost fewer instructions at scale 0.1, but at scale 1 the rows took longer than their
    /// builds (likely each split of their last leaf reading and writing again siblings the invoice
    /// look-ups had evicted from the cache; docs/PERFORMANCE.md, seventeenth round).
    package static let keptInPlace: Set<String> = [
        "invoice_disputed_by_batch", "payment_allocation_by_invoice", "payment_unapplied", "payment_unapplied_by_debtor",
    ]

    /// The tables whose indexes a first load of `entity` sets aside: a payment's allocations are
    /// written with it, so `payment_allocation` (empty when `payment` is: each allocation names its
    /// payment) goes with `payment`.
    static func tables(of entity: RecordEntity) -> [String] {
        entity == .payment ? [entity.rawValue, "payment_allocation"] : [entity.rawValue]
    }

    /// Drops the secondary indexes (but those `keptInPlace`) of `entity`'s tables (`tables(of:)`) when
    /// they are all empty (none otherwise). Call it inside a transaction, and `rebuild` before anything
    /// reads a table by one of those indexes.
    package static func setAside(_ db: Database, table entity: RecordEntity) throws -> DeferredIndexes {
        let tables = tables(of: entity)
        for table in tables where try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table))") == true { return .none }
        var rows: [Row] = []
        for table in tables {
            rows += try Row.fetchAll(db, sql: """
                SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name
                """, arguments: [table])
        }
        let dropped = rows.map { (name: $0[0] as String, sql: $0[1] as String) }.filter { !keptInPlace.contains($0.name) }
        for d in dropped { try db.execute(sql: "DROP INDEX \(d.name.quotedDatabaseIdentifier)") }
        return DeferredIndexes(dropped: dropped)
    }

    /// Builds the dropped indexes again from their own SQL (after `readsFromFile(false)`), with a
    /// 2 MiB page cache, then the first load's 32 MiB again. SQLite's sorter keeps as many keys in
    /// memory as the page cache holds before it writes a sorted run to a temporary file: a build
    /// reads the table once and appends its index at the right edge, so the larger cache only made
    /// larger sort lists. The shorter the lists, the more of their sorting stays within the
    /// processor's caches, and merging the runs streams: the three builds of a 1M-row table took
    /// 2.5–2.7 s of user CPU with 32 MiB, 2.0 s with 8 MiB and 1.4–1.5 s with 2 MiB (the sqlite3 shell
    /// on the same table), at 104, 29 and 11 MB (SQLite's sorter writes no run under ≈ 1 MB). The sorter may use
    /// one helper thread (`PRAGMA threads = 1`): the builds come after the reading threads are done,
    /// so the second core was idle (1.28 against 1.60 s in the shell, idle; +8 MB, +0.3 s CPU).
    package func rebuild(_ db: Database) throws {
        guard !dropped.isEmpty else { return }
        try db.execute(sql: "PRAGMA cache_size = -2048")
        try db.execute(sql: "PRAGMA threads = 1")
        defer {
            try? db.execute(sql: "PRAGMA threads = 0")
            try? db.execute(sql: LedgerStore.pageCacheSQL)
        }
        for d in dropped { try db.execute(sql: d.sql) }
    }

    /// While a first load inserts, the rows it checks against (the parent of every foreign key:
    /// `debtor` for an invoice) are read through a memory mapping of the database file instead of
    /// `pread` into the page cache: the appended rows fill the 32 MiB cache with their own pages, so
    /// each row's look-up of a 29 MB debtor table (200k debtors) mostly missed it and read the page
    /// again. Only pages that are not in the WAL are read this way (read-only cursors), so nothing
    /// the transaction writes goes through the mapping. Off (`false`) before the index builds, so
    /// the mapped pages do not add to their peak. A no-op when nothing was set aside.
    package func readsFromFile(_ db: Database, _ on: Bool) throws {
        guard !dropped.isEmpty else { return }
        try db.execute(sql: on ? "PRAGMA mmap_size = 268435456" : "PRAGMA mmap_size = 0")
    }
}

extension Schema {
    /// `invoice.row_check` (owner: Ingest): what lets an unchanged re-ingest skip reading a row
    /// again (see `InvoiceUpsert`). Rows stored before it have none and take the full path once.
    static func invoiceRowCheckV1(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE invoice ADD COLUMN row_check INTEGER")
    }
}
