import GRDB
import GRDBSQLite

/// A prepared statement driven through SQLite's C API, for the per-row hot paths (ingest of a
/// million rows, the forecast's bulk reads and writes), where building GRDB argument arrays and
/// decoding rows would cost more than the SQL itself. Prepared, owned and finalised by GRDB; used
/// inside one of its transactions, on its connection's thread, only.
package final class BulkStatement {
    let statement: Statement
    var handle: OpaquePointer { statement.sqliteStatement }

    package init(_ db: Database, _ sql: String) throws {
        self.statement = try db.makeStatement(sql: sql)
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Resets the statement and clears its bindings.
    package func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    package func bind(_ i: Int32, _ v: String?) {
        guard var s = v else { sqlite3_bind_null(handle, i); return }
        s.withUTF8 { p in
            _ = sqlite3_bind_text(handle, i, UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: CChar.self),
                                  Int32(p.count), BulkStatement.transient)
        }
    }

    /// Binds text given as UTF-8 bytes, which must stay valid until the statement is reset.
    package func bind(_ i: Int32, bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { bind(i, ""); return }
        _ = sqlite3_bind_text(handle, i, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil)
    }

    package func bind(_ i: Int32, _ v: Int64?) {
        guard let v else { sqlite3_bind_null(handle, i); return }
        sqlite3_bind_int64(handle, i, v)
    }

    package func bind(_ i: Int32, _ v: Int?) { bind(i, v.map(Int64.init)) }
    package func bind(_ i: Int32, _ v: Bool) { sqlite3_bind_int64(handle, i, v ? 1 : 0) }
    package func bind(_ i: Int32, _ v: Double) { sqlite3_bind_double(handle, i, v) }

    /// Steps once; true when a row is available.
    package func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
        sqlite3_reset(handle)
        throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: message, sql: statement.sql)
    }

    /// Runs to completion (an INSERT or UPDATE) and resets, keeping the bindings for the next row.
    package func run() throws {
        while try step() {}
        sqlite3_reset(handle)
    }

    @inline(__always) package func int64(_ col: Int32) -> Int64 { sqlite3_column_int64(handle, col) }
    @inline(__always) package func isNull(_ col: Int32) -> Bool { sqlite3_column_type(handle, col) == SQLITE_NULL }

    /// Calls `body` with a text column's bytes (empty for NULL), valid only during the call.
    @inline(__always)
    package func withText<T>(_ col: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        guard let p = sqlite3_column_text(handle, col) else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return body(UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, col))))
    }

    /// A text column (nil for NULL).
    package func text(_ col: Int32) -> String? {
        isNull(col) ? nil : withText(col) { String(decoding: $0, as: UTF8.self) }
    }

    package var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(sqlite3_db_handle(handle)) }
    package var changes: Int32 { sqlite3_changes(sqlite3_db_handle(handle)) }

    /// Insert-first upsert: runs this `INSERT … ON CONFLICT DO NOTHING` (its values already bound);
    /// nil when it inserted, else the existing row's id and content hash, looked up by `find`
    /// (`SELECT id, content_hash … WHERE key = ?`). A new row costs one statement.
    package func insertOrFind(_ find: BulkStatement, key: String) throws -> (id: Int64, hash: Int64)? {
        try run()
        if changes == 1 { return nil }
        find.bind(1, key)
        defer { find.reset() }
        guard try find.step() else { throw StoreError.upsertLost(key: key) }
        return (find.int64(0), find.int64(1))
    }
}
