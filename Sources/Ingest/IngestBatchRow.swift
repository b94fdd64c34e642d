import Foundation
import GRDB
import Store

/// The `ingest_batch` row of one file, inserted before its rows (they point to it) and
/// completed with the counts at the end.
struct IngestBatchRow {
    var record: IngestBatchRecord

    init(kind: String, fileName: String, filePath: String, encoding: String, snapshot: Bool, asOf: String,
         startedAt: Date, runID: Int64?) {
        record = IngestBatchRecord(
            runId: runID, kind: kind, fileName: fileName, filePath: filePath, encoding: encoding, snapshot: snapshot,
            asOf: asOf, startedAt: Instant.string(startedAt))
    }

    mutating func insert(_ db: Database) throws -> Int64 {
        try record.insert(db)
        return record.id!
    }

    mutating func finish(summary: FileSummary, bytes: Int, hash: UInt64, at: Date) {
        record.fileBytes = Int64(bytes)
        let h = String(hash, radix: 16)
        record.fileHash = "fnv1a64:" + String(repeating: "0", count: 16 - h.count) + h
        record.finishedAt = Instant.string(at)
        record.rowsRead = summary.read
        record.rowsImported = summary.imported
        record.rowsUpdated = summary.updated
        record.rowsUnchanged = summary.unchanged
        record.rowsRejected = summary.rejected
    }

    func update(_ db: Database, id: Int64) throws {
        try record.update(db)
    }
}
