import Foundation
import GRDB
import Ledger
import Store

/// What happened to one row.
enum RowOutcome { case imported, updated, unchanged, rejected }

/// Checks one kind of row without touching the database, so it can run on its own thread.
protocol RowValidator: Sendable {
    associatedtype Prepared: Sendable
    /// The row's business key, for duplicate detection and snapshots (nil when unreadable).
    func key(of row: inout InputRow) -> String?
    /// The row's values, or nil with the reasons in `row.problems` (warnings may be added either way).
    func prepare(_ row: inout InputRow) -> Prepared?
    /// The same, given what `key(of:)` returned for this row (not nil), so a validator whose key is
    /// also a value need not read it twice.
    func prepare(_ row: inout InputRow, key: String) -> Prepared?
    /// For kinds that recognise an unchanged row from its bytes (`RowFingerprint`): the record's key
    /// (its bytes' range in `bytes`, a key `key(of:)` would return as it stands) and fingerprint; nil
    /// when the record is not a candidate (the full check reads it). `ranges` are the record's fields.
    func fingerprint(_ bytes: UnsafeBufferPointer<UInt8>, ranges: ArraySlice<Range<Int>>, fieldIndex: [Int], seed: UInt64)
        -> (key: Range<Int>, fingerprint: UInt64)?
    /// `fingerprint` of many records at once (`records`: each one's fields in `ranges`).
    func fingerprints(_ bytes: UnsafeBufferPointer<UInt8>, ranges: [Range<Int>], records: [Range<Int>], fieldIndex: [Int],
                      seed: UInt64) -> [(key: Range<Int>, fingerprint: UInt64)?]
    /// Keeps a validated row's fingerprint with its values, for the sink to store.
    func attach(fingerprint: UInt64, to values: inout Prepared)
    /// True when `fingerprint` can give one.
    static var hasFingerprints: Bool { get }
}

extension RowValidator {
    /// Reads the row again (the key is not needed).
    func prepare(_ row: inout InputRow, key: String) -> Prepared? { prepare(&row) }
    /// No fingerprints: every row is read in full.
    func fingerprint(_ bytes: UnsafeBufferPointer<UInt8>, ranges: ArraySlice<Range<Int>>, fieldIndex: [Int], seed: UInt64)
        -> (key: Range<Int>, fingerprint: UInt64)? { nil }
    /// Nothing to keep.
    func attach(fingerprint: UInt64, to values: inout Prepared) {}
    /// One record after the other.
    func fingerprints(_ bytes: UnsafeBufferPointer<UInt8>, ranges: [Range<Int>], records: [Range<Int>], fieldIndex: [Int],
                      seed: UInt64) -> [(key: Range<Int>, fingerprint: UInt64)?] {
        records.map { fingerprint(bytes, ranges: ranges[$0], fieldIndex: fieldIndex, seed: seed) }
    }
    /// None.
    static var hasFingerprints: Bool { false }
}

/// Stores validated rows of one kind. Implementations own the SQL of their table (the Ingest
/// stage owns `debtor`, `invoice`, `payment`, `payment_allocation`) and run on the database thread.
protocol RowSink {
    associatedtype Validator: RowValidator
    var validator: Validator { get }
    /// Writes one validated row; notes (e.g. an unapplied payment) come back for the report.
    mutating func store(_ values: Validator.Prepared, batch: Int64) throws -> (RowOutcome, [RowProblem])
    /// The same for the row at `line` of its file: a sink that keeps rows back names a row SQLite
    /// refuses by its line (Store's `RowRefused`), and may keep its notes until it is written (`lateNotes`).
    mutating func store(_ values: Validator.Prepared, batch: Int64, line: Int) throws -> (RowOutcome, [RowProblem])
    /// The notes of earlier rows kept back, now written, with their lines (reported after `store`
    /// and `flush`).
    mutating func lateNotes() -> [(line: Int, note: RowProblem)]
    /// Work after all files: matching payments, closing a snapshot.
    mutating func finish(batch: Int64) throws
    /// True when the sink can tell an unchanged row from its fingerprint (`UnchangedLookup`).
    var checksUnchanged: Bool { get }
    /// Answers which candidates of a chunk are unchanged (on the database thread).
    mutating func answer(_ lookup: UnchangedLookup) throws
    /// Stores what `store` kept back, at the end of a file's rows; returns the outcomes of rows
    /// `store` counted as imported that turned out otherwise.
    mutating func flush(batch: Int64) throws -> [RowOutcome]
    /// Forgets what `store` kept back (the file is being rolled back).
    mutating func abandonPending()
}

extension RowSink {
    /// The line is not needed.
    mutating func store(_ values: Validator.Prepared, batch: Int64, line: Int) throws -> (RowOutcome, [RowProblem]) {
        try store(values, batch: batch)
    }
    /// Every note comes back with its row.
    mutating func lateNotes() -> [(line: Int, note: RowProblem)] { [] }
    /// Rows are always read in full.
    var checksUnchanged: Bool { false }
    /// Nothing is unchanged before it is read.
    mutating func answer(_ lookup: UnchangedLookup) throws { lookup.abandon() }
    /// Every row is stored by `store`.
    mutating func flush(batch: Int64) throws -> [RowOutcome] { [] }
    mutating func abandonPending() {}
}

/// Values of a record as name → text, for the change history.
typealias FieldValues = [(String, String?)]

/// Records a changed record's differing fields in `record_change`.
func recordChange(
    _ db: Database, batch: Int64, entity: RecordEntity, key: String, change: RecordChangeKind, old: FieldValues, new: FieldValues
) throws {
    var o: [String: String?] = [:]
    var n: [String: String?] = [:]
    let oldMap = Dictionary(old.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
    for (k, v) in new where oldMap[k] != .some(v) {
        o[k] = oldMap[k] ?? nil
        n[k] = v
    }
    guard !n.isEmpty else { return }
    try IngestCommands.recordChange(db, batch: batch, entity: entity, key: key, change: change,
                                    old: JSONWriter.object(sortedKeys: o), new: JSONWriter.object(sortedKeys: n))
}

extension ColumnTexts {
    /// The stored values of `fields`' names, for the change history.
    func values(of fields: FieldValues) -> FieldValues { fields.map { name, _ in (name, self[name] ?? nil) } }
}
