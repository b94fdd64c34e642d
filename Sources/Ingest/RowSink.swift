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
}

/// Stores validated rows of one kind. Implementations own the SQL of their table (the Ingest
/// stage owns `debtor`, `invoice`, `payment`, `payment_allocation`) and run on the database thread.
protocol RowSink {
    associatedtype Validator: RowValidator
    var validator: Validator { get }
    /// Writes one validated row; notes (e.g. an unapplied payment) come back for the report.
    mutating func store(_ values: Validator.Prepared, batch: Int64) throws -> (RowOutcome, [RowProblem])
    /// Work after all files: matching payments, closing a snapshot.
    mutating func finish(batch: Int64) throws
}

/// Values of a record as name → text, for the change history.
typealias FieldValues = [(String, String?)]

/// Records a changed record's differing fields in `record_change`.
func recordChange(
    _ db: Database, batch: Int64, entity: String, key: String, change: String, old: FieldValues, new: FieldValues
) throws {
    var o: [String: String?] = [:]
    var n: [String: String?] = [:]
    let oldMap = Dictionary(old.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
    for (k, v) in new where oldMap[k] != .some(v) {
        o[k] = oldMap[k] ?? nil
        n[k] = v
    }
    guard !n.isEmpty else { return }
    try RecordChangeRecordWriter.insert(db, batch: batch, entity: entity, key: key, change: change,
                                        old: JSONText.object(o), new: JSONText.object(n))
}

enum RecordChangeRecordWriter {
    static func insert(_ db: Database, batch: Int64, entity: String, key: String, change: String, old: String, new: String) throws {
        try db.execute(
            sql: "INSERT INTO record_change (batch_id, entity, entity_key, change, old_values, new_values) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [batch, entity, key, change, old, new])
    }
}

/// A column of a fetched row as text (nil for NULL), for the change history.
func textValue(_ row: Row, _ column: String) -> String? {
    let v: DatabaseValue = row[column]
    switch v.storage {
    case .null: return nil
    case .int64(let i): return String(i)
    case .double(let d): return String(d)
    case .string(let s): return s
    case .blob(let b): return "<\(b.count) bytes>"
    }
}

/// A row that must exist (the caller found its id in this transaction).
func fetchExisting(_ db: Database, sql: String, id: Int64) throws -> Row {
    guard let r = try Row.fetchOne(db.cachedStatement(sql: sql), arguments: [id]) else {
        throw StoreError("row \(id) vanished during the ingest (\(sql))")
    }
    return r
}
