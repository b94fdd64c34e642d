import Foundation
import GRDB
import Ledger
import Store
import Support

/// Invoices and credit notes: validation and upsert by `invoice_number`.
///
/// The stored open amount follows one rule (`OpenAmount`): the lower of what the export says is
/// open and what the allocated payments leave, so a reminder never asks for more than either
/// source says is due, and a payment booked in the accounting system is not counted twice.
struct InvoiceSink: RowSink {
    let db: Database
    let asOf: Day
    let validator: InvoiceValidator
    /// `csv`, or `ubl` for Peppol invoices (`billing` is the Billing stage's own writer).
    var source = InvoiceSource.csv
    private let upserter: InvoiceUpsert
    /// Close open invoices missing from the files (`--snapshot`).
    var closeMissing = false
    /// Grace days after an "expected payment date" (see `Promises.fromExport`).
    var promiseGraceDays = 3
    /// Invoices closed by the snapshot.
    private(set) var closedBySnapshot = 0
    /// The last row stored was already in the ledger (the next one is looked up first).
    private var lastWasKnown = false
    /// Unchanged rows are recognised from their fingerprints (set by `Ingestor` when the table had
    /// rows before this ingest and `IngestOptions.recogniseUnchanged` is on).
    var checksUnchanged = false
    /// A first load (set by `Ingestor` when `invoice` was empty as the ingest's transaction began):
    /// every row that reaches the sink is new (the key set refuses a repeated key before it does),
    /// so new rows are kept back and appended `InvoiceAppend.rowsPerStatement` to a statement.
    var appendsOnly = false
    /// The rows kept back for the next statement (returned as imported; see `flush`).
    private var pending: [Values] = []
    /// Outcomes of kept-back rows that turned out not to be new (none while `appendsOnly` holds its
    /// promise), handed to the summary by `flush`.
    private var corrections: [RowOutcome] = []
    private let appender: InvoiceAppend

    init(db: Database, asOf: Day) throws {
        self.db = db
        self.asOf = asOf
        var debtors: [(String, InvoiceValidator.Debtor)] = []
        try IngestQueries.forEachDebtorTerms(db) { debtors.append(($0.key, InvoiceValidator.Debtor(id: $0.id, terms: $0.terms))) }
        validator = InvoiceValidator(debtors: ByteKeyTable(debtors))
        upserter = try InvoiceUpsert(db)
        appender = try InvoiceAppend(db)
    }

    /// A row's values, prepared when made: their text forms and content hash are computed by the
    /// initialiser, on the reading thread, so the database thread — the bottleneck of a large
    /// ingest — only binds and steps. The content is read-only: it cannot drift from its hash.
    struct Values {
        let number: String
        let debtorID: Int64
        let type: InvoiceType
        let issue, due: Day
        let currency: Currency
        let amount: Int64
        let reportedOpen: Int64?
        let reference: String?
        let description: String?
        let disputed: Bool
        /// The "expected payment date" column: the debtor's promise for this invoice (see `Promises`).
        let expectedPayment: Day?
        /// The row's `RowFingerprint`, nil when it has none (its `row_check` is then left as it is).
        var fingerprint: UInt64? = nil
        /// `issue` and `due` as stored (`YYYY-MM-DD`).
        let issueText, dueText: String
        /// The content hash of the values (`expectedPayment` only when present, so invoices from
        /// before that column keep their hash).
        let hash: Int64

        init(number: String, debtorID: Int64, type: InvoiceType, issue: Day, due: Day, currency: Currency, amount: Int64,
             reportedOpen: Int64?, reference: String?, description: String?, disputed: Bool, expectedPayment: Day? = nil) {
            self.number = number
            self.debtorID = debtorID
            self.type = type
            self.issue = issue
            self.due = due
            self.currency = currency
            self.amount = amount
            self.reportedOpen = reportedOpen
            self.reference = reference
            self.description = description
            self.disputed = disputed
            self.expectedPayment = expectedPayment
            issueText = issue.description
            dueText = due.description
            var h = ContentHasher()
            h.add(debtorID); h.add(type.rawValue); h.add(issueText); h.add(dueText); h.add(currency.code)
            h.add(amount); h.add(reportedOpen); h.add(reference); h.add(description); h.add(disputed)
            if let expectedPayment { h.add(expectedPayment.description) }
            hash = h.signed
        }

        var fields: FieldValues {
            [("debtor_id", String(debtorID)), ("type", type.rawValue), ("issue_date", issueText),
             ("due_date", dueText), ("currency", currency.code), ("amount_minor", String(amount)),
             ("reported_open_minor", reportedOpen.map(String.init)), ("structured_reference", reference),
             ("description", description), ("disputed", disputed ? "1" : "0")]
        }

        /// The row as Store writes it.
        var row: InvoiceRow {
            InvoiceRow(number: number, debtorID: debtorID, type: type, issue: issueText, due: dueText, currency: currency.code,
                       amount: amount, reportedOpen: reportedOpen, reference: reference, description: description, disputed: disputed)
        }

        /// The open amount of a new invoice (no allocations yet); see `OpenAmount`.
        var initialOpen: Int64 { reportedOpen ?? amount }
    }

    mutating func store(_ v: Values, batch: Int64) throws -> (RowOutcome, [RowProblem]) {
        // A promise is written beside its invoice: that row takes the path below, after the rows before it.
        if appendsOnly && v.expectedPayment == nil && source == .csv {
            pending.append(v)
            if pending.count == InvoiceAppend.rowsPerStatement { try appendPending(batch: batch) }
            return (.imported, [])
        }
        try storePending(batch: batch)
        let outcome = try upsert(v, batch: batch)
        if let day = v.expectedPayment, v.type == .invoice, outcome != .unchanged {
            try Promises.fromExport(db, invoiceNumber: v.number, date: day, asOf: asOf, graceDays: promiseGraceDays)
        }
        return (outcome, [])
    }

    /// Stores the rows kept back (a file's last, fewer than a statement's worth); returns the
    /// outcomes of kept-back rows that turned out not to be new, counted as imported when kept back.
    mutating func flush(batch: Int64) throws -> [RowOutcome] {
        try storePending(batch: batch)
        defer { corrections.removeAll() }
        return corrections
    }

    /// Forgets the rows kept back (the file's rows are being rolled back).
    mutating func abandonPending() {
        pending.removeAll()
        corrections.removeAll()
    }

    /// The kept-back rows one by one, as `upsert` stores any row.
    private mutating func storePending(batch: Int64) throws {
        guard !pending.isEmpty else { return }
        let rows = pending
        pending.removeAll(keepingCapacity: true)
        for v in rows {
            let outcome = try upsert(v, batch: batch)
            if outcome != .imported { corrections.append(outcome) }
        }
    }

    /// One statement for the kept-back rows; when SQLite refuses it (nothing of it is then stored),
    /// the same rows one by one as `upsert` stores them, so a failure is the one that path gives.
    private mutating func appendPending(batch: Int64) throws {
        for v in pending {
            let hash = v.hash
            appender.add(number: v.number, debtorID: v.debtorID, type: v.type, issue: v.issueText, due: v.dueText,
                         currency: v.currency.code, amount: v.amount,
                         reportedOpen: v.reportedOpen, reference: v.reference, description: v.description, disputed: v.disputed,
                         open: v.initialOpen, source: source, hash: hash,
                         batch: batch, check: v.fingerprint.map { InvoiceUpsert.rowCheck(fingerprint: $0, hash: hash) })
        }
        do {
            try appender.run()
            pending.removeAll(keepingCapacity: true)
        } catch is DatabaseError {
            try storePending(batch: batch)
        }
    }

    mutating func answer(_ lookup: UnchangedLookup) throws {
        // Questions are asked only of a table that had rows (`checksUnchanged`), never on a first load.
        precondition(pending.isEmpty, "InvoiceSink: unchanged rows asked about during a first load")
        let upserter = upserter
        try lookup.answer { try upserter.isUnchanged(number: $0, fingerprint: $1) }
    }
}

/// Invoice rows: every field checked against the known debtors, nothing written.
struct InvoiceValidator: RowValidator {
    struct Debtor: Sendable {
        var id: Int64
        var terms: Int?
    }

    /// Debtors by `debtor_id`, loaded once per ingest.
    let debtors: ByteKeyTable<Debtor>

    func key(of row: inout InputRow) -> String? { row.text(.invoiceNumber) }

    /// A candidate is a row whose invoice number `text` takes as it stands and whose debtor is found
    /// from its bytes as `values` finds it; its fingerprint adds that debtor's id and payment terms
    /// (a due date may come from them; an erased or removed debtor is not found, so its rows are
    /// read in full).
    func fingerprint(_ bytes: UnsafeBufferPointer<UInt8>, ranges: ArraySlice<Range<Int>>, fieldIndex: [Int], seed: UInt64)
        -> (key: Range<Int>, fingerprint: UInt64)?
    {
        guard let id = debtorBytes(bytes, ranges: ranges, fieldIndex: fieldIndex), let debtor = debtors[asciiBuffer: id] else { return nil }
        return fingerprint(bytes, ranges: ranges, fieldIndex: fieldIndex, seed: seed, debtor: debtor)
    }

    /// The record's debtor id as `values` looks it up from its bytes (printable ASCII, within the
    /// length limit, without surrounding spaces); nil otherwise (read in full).
    private func debtorBytes(_ bytes: UnsafeBufferPointer<UInt8>, ranges: ArraySlice<Range<Int>>, fieldIndex: [Int])
        -> UnsafeBufferPointer<UInt8>?
    {
        let d = fieldIndex[Column.debtorID.ordinal]
        guard d >= 0, d < ranges.count else { return nil }
        var idRange = ranges[ranges.startIndex + d]
        while let f = idRange.first, bytes[f] == 0x20 || bytes[f] == 0x09 { idRange = idRange.dropFirst() }
        while let l = idRange.last, bytes[l] == 0x20 || bytes[l] == 0x09 { idRange = idRange.dropLast() }
        let id = UnsafeBufferPointer(rebasing: bytes[idRange])
        guard !id.isEmpty, id.count <= Column.debtorID.maxLength, id.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        return id
    }

    private func fingerprint(_ bytes: UnsafeBufferPointer<UInt8>, ranges: ArraySlice<Range<Int>>, fieldIndex: [Int], seed: UInt64,
                             debtor: Debtor) -> (key: Range<Int>, fingerprint: UInt64)? {
        let k = fieldIndex[Column.invoiceNumber.ordinal]
        guard k >= 0, k < ranges.count else { return nil }
        let key = ranges[ranges.startIndex + k]
        guard RowFingerprint.isPlainKey(UnsafeBufferPointer(rebasing: bytes[key]), maxLength: Column.invoiceNumber.maxLength)
        else { return nil }
        var h = FNV1a()
        h.add(contentsOf: [0xFF, 0xFE] as [UInt8])
        var s = seed
        for _ in 0..<8 { h.add(UInt8(truncatingIfNeeded: s)); s >>= 8 }
        RowFingerprint.add(&h, fields: bytes, ranges: ranges, fieldIndex: fieldIndex)
        var x = UInt64(bitPattern: debtor.id)
        for _ in 0..<8 { h.add(UInt8(truncatingIfNeeded: x)); x >>= 8 }
        x = UInt64(bitPattern: Int64(debtor.terms ?? -1))
        for _ in 0..<8 { h.add(UInt8(truncatingIfNeeded: x)); x >>= 8 }
        return (key, h.avalanched)
    }

    func attach(fingerprint: UInt64, to values: inout InvoiceSink.Values) { values.fingerprint = fingerprint }

    /// The chunk's debtors are looked up together first (`ByteKeyTable.values`: one look-up per row,
    /// two cache misses each, one after the other, was the largest cost of an unchanged re-ingest).
    func fingerprints(_ bytes: UnsafeBufferPointer<UInt8>, ranges: [Range<Int>], records: [Range<Int>], fieldIndex: [Int],
                      seed: UInt64) -> [(key: Range<Int>, fingerprint: UInt64)?] {
        let ids = records.map { debtorBytes(bytes, ranges: ranges[$0], fieldIndex: fieldIndex) }
        let found = debtors.values(asciiBuffers: ids)
        return records.indices.map { j in
            found[j].flatMap { fingerprint(bytes, ranges: ranges[records[j]], fieldIndex: fieldIndex, seed: seed, debtor: $0) }
        }
    }

    /// Invoices have fingerprints.
    static var hasFingerprints: Bool { true }

    func prepare(_ row: inout InputRow) -> InvoiceSink.Values? {
        let number = row.required(.invoiceNumber)
        return values(&row, number: number)
    }

    /// `key` is what `key(of:)` gave for this row: the invoice number, read once.
    func prepare(_ row: inout InputRow, key: String) -> InvoiceSink.Values? { values(&row, number: key) }

    private func values(_ row: inout InputRow, number: String?) -> InvoiceSink.Values? {
        var debtor: Debtor? = nil
        // The common debtor id (printable ASCII, within the length limit) is looked up from its bytes:
        // `text` would accept it unchanged. Anything else, or an unknown id, goes through `text`.
        let idBytes = row.trimmedBytes(.debtorID)
        if !idBytes.isEmpty, idBytes.count <= Column.debtorID.maxLength, idBytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }),
           let found = debtors[ascii: idBytes] {
            debtor = found
        } else if let key = row.required(.debtorID) {
            debtor = debtors[key]
            if debtor == nil {
                row.problem(.debtorID, "unknown-debtor", "debtor \"\(key)\" is not in the ledger; ingest the debtors first")
            }
        }
        let issue = row.has(.issueDate) ? row.day(.issueDate) : nil
        if issue == nil && !row.problems.contains(where: { $0.column == row.position(.issueDate) }) {
            row.problem(.issueDate, "missing-field", "issue_date is required")
        }
        var due = row.day(.dueDate)
        if due == nil && !row.problems.contains(where: { $0.column == row.position(.dueDate) && row.has(.dueDate) }) {
            if let terms = debtor?.terms, let issue {
                due = issue.adding(days: terms)
            } else if debtor != nil {
                row.problem(.dueDate, "missing-field", "due_date is required: the debtor has no payment_terms_days to derive it from")
            }
        }
        if let issue, let d = due, d < issue {
            row.problem(.dueDate, "due-before-issue", "due date \(d) is before the issue date \(issue)")
        }
        let currency = row.currency(.currency)
        var amount = row.has(.amount) ? row.money(.amount, currency: currency) : nil
        if amount == nil && !row.problems.contains(where: { $0.column == row.position(.amount) }) {
            row.problem(.amount, "missing-field", "amount is required")
        }
        var open = row.money(.openAmount, currency: currency)
        var type: InvoiceType = (amount?.isNegative ?? false) ? .creditNote : .invoice
        let typeBytes = row.trimmedBytes(.type)
        if typeBytes.elementsEqual("invoice".utf8) {
            type = .invoice
        } else if typeBytes.elementsEqual("credit_note".utf8) {
            type = .creditNote
        } else if let t = row.text(.type) {
            switch foldHeader(t) {
            case "invoice", "factuur", "facture", "inv", "f": type = .invoice
            case "credit_note", "creditnote", "credit", "creditnota", "credit_nota", "note_de_credit", "nc", "cn":
                type = .creditNote
            default: row.problem(.type, "type", "type must be invoice or credit_note, found \"\(t)\"")
            }
        }
        if type == .invoice, let a = amount, a.isNegative {
            row.problem(.amount, "credit-note-sign", "negative amount on an invoice; mark it type credit_note")
        }
        if type == .creditNote, let a = amount, a.isPositive {
            // An explicit credit-note type with a positive amount: the export shows magnitudes.
            amount = a.negated
            if let o = open, o.isPositive { open = o.negated }
        }
        if let o = open, let a = amount {
            if type == .invoice && o.isNegative {
                row.problem(.openAmount, "negative-open-amount", "open amount \(o.decimalString) is negative on an invoice")
            } else if type == .invoice && o.minorUnits > a.minorUnits {
                row.problem(.openAmount, "open-exceeds-amount", "open amount \(o.decimalString) exceeds the amount \(a.decimalString)")
            } else if type == .creditNote && (o.minorUnits < a.minorUnits || o.isPositive) {
                row.problem(.openAmount, "open-exceeds-amount", "open amount \(o.decimalString) is outside the credit note's \(a.decimalString)")
            }
        }
        var reference: String? = nil
        if let r = row.text(.structuredReference) {
            // Twelve digits with their check digits right: the common case, stored as given (read on
            // its bytes: `StructuredReference(base:)` of the first ten cost ≈ 9,000 instructions a row).
            if r.utf8.count == 12, let ok = try? StructuredReference(parsing: r), ok.digits == r {
                reference = r
            } else if r.uppercased().hasPrefix("RF") {
                do { reference = try CreditorReference(parsing: r).value } catch {
                    row.problem(.structuredReference, "rf", "invalid RF creditor reference \"\(r)\": \(error)")
                }
            } else {
                do { reference = try StructuredReference(parsing: r).digits } catch {
                    row.problem(.structuredReference, "ogm", "invalid structured communication \"\(r)\": \(error)")
                }
            }
        }
        let description = row.text(.description, allowLineBreaks: true)
        let disputed = row.bool(.disputed)
        let expected = row.has(.expectedPaymentDate) ? row.day(.expectedPaymentDate) : nil
        guard !row.hasErrors, let number, let debtor, let issue, let due, let amount else { return nil }
        return InvoiceSink.Values(number: number, debtorID: debtor.id, type: type, issue: issue, due: due, currency: currency,
                                  amount: amount.minorUnits, reportedOpen: open?.minorUnits, reference: reference,
                                  description: description, disputed: disputed, expectedPayment: expected)
    }
}

extension InvoiceSink {
    fileprivate mutating func upsert(_ v: Values, batch: Int64) throws -> RowOutcome {
        let hash = v.hash
        let check = v.fingerprint.map { InvoiceUpsert.rowCheck(fingerprint: $0, hash: hash) }
        // Insert first while rows are new (one statement for a new invoice; a known one falls through
        // to the look-up); look up first once a row was known (a re-ingest: one look-up an unchanged row).
        var known: InvoiceUpsert.Known?
        if lastWasKnown, let found = try upserter.find(number: v.number) {
            known = found
        } else {
            known = try upserter.insertOrFind(v.row, open: v.initialOpen, source: source, hash: hash, batch: batch, check: check)
        }
        lastWasKnown = known != nil
        guard let known else { return .imported }
        if known.hash == hash {
            // Unchanged, but read in full: keep these bytes' check so the next time they are not.
            if let check, known.check != check { try upserter.setRowCheck(id: known.id, check) }
            return .unchanged
        }
        try update(id: known.id, v, v.row, hash: hash, check: check, batch: batch)
        return .updated
    }

    private func update(id: Int64, _ v: Values, _ row: InvoiceRow, hash: Int64, check: Int64?, batch: Int64) throws {
        let old = try IngestQueries.columnTexts(db, .invoice, id: id)
        try IngestCommands.updateInvoice(db, id: id, row, hash: hash, batch: batch, check: check)
        try OpenAmount.refresh(db, invoiceID: id, closedOn: nil)
        let now = try IngestQueries.openState(db, invoiceID: id)
        let wasOpen = (old["status"] ?? nil) == InvoiceStatus.open.rawValue
        let isOpen = now.status == .open
        var oldFields = old.values(of: v.fields)
        oldFields.append(("open_minor", old["open_minor"] ?? nil))
        oldFields.append(("status", old["status"] ?? nil))
        let newFields = v.fields + [("open_minor", String(now.openMinor)), ("status", now.status.rawValue)]
        let change: RecordChangeKind = wasOpen == isOpen ? .update : (isOpen ? .reopen : .close)
        try recordChange(db, batch: batch, entity: .invoice, key: v.number, change: change, old: oldFields, new: newFields)
    }

    mutating func finish(batch: Int64) throws { try finish(batch: batch, listed: KeySet()) }

    /// Snapshot closing (when asked) against the keys the files listed, then unapplied payments.
    mutating func finish(batch: Int64, listed: KeySet) throws {
        precondition(pending.isEmpty, "InvoiceSink: rows kept back past the end of their file")
        if closeMissing {
            let missing = try IngestQueries.openInvoices(db, source: .csv) { !listed.contains($0) }
            for r in missing {
                try IngestCommands.closeSettledOutside(db, invoiceID: r.id, on: asOf.description, batch: batch)
                try IngestCommands.recordChange(
                    db, batch: batch, entity: .invoice, key: r.number, change: .close,
                    old: JSONWriter.object(sortedKeys: ["status": "open", "open_minor": String(r.openMinor)]),
                    new: JSONWriter.object(sortedKeys: ["status": "closed", "closed_reason": "settled_outside", "open_minor": "0"]))
            }
            closedBySnapshot = missing.count
        }
        try PaymentAllocator(db: db).retryUnapplied(batch: batch)
    }
}
