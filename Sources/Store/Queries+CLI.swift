import Foundation
import GRDB
import Ledger

/// Small reads the command line makes to check its arguments and to show a run.
package enum CLIQueries {
    /// The row id of the debtor with this business key (`debtor_id` in the exports); nil when there is none.
    package static func debtorID(_ db: Database, key: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM debtor WHERE debtor_key = ?", arguments: [key])
    }

    /// One input file a run read (`ingest_batch`).
    package struct IngestBatchLine: Sendable, Equatable {
        /// The batch id.
        package var id: Int64
        /// debtors, invoices, payments, coda, camt, ubl…
        package var kind: String
        /// The file's name.
        package var fileName: String?
        /// Rows read, imported, updated, rejected.
        package var read: Int, imported: Int, updated: Int, rejected: Int
    }

    /// The ingest batches run `runID` wrote, in order.
    package static func ingestBatches(_ db: Database, runID: Int64) throws -> [IngestBatchLine] {
        try Row.fetchAll(db, sql: """
            SELECT id, kind, file_name, rows_read, rows_imported, rows_updated, rows_rejected FROM ingest_batch
            WHERE run_id = ? ORDER BY id
            """, arguments: [runID]).map {
            IngestBatchLine(id: $0[0], kind: $0[1], fileName: $0[2], read: $0[3] as Int? ?? 0, imported: $0[4] as Int? ?? 0,
                            updated: $0[5] as Int? ?? 0, rejected: $0[6] as Int? ?? 0)
        }
    }
}
