import GRDB
import GRDBSQLite
import Store

/// A prepared statement driven through SQLite's C API, for the per-row hot path of ingest,
/// where building GRDB argument arrays for a million rows would cost more than the SQL itself.
/// Binds text straight from bytes; steps; reads integer and text columns.
final class FastStatement {
    let statement: Statement
    var handle: OpaquePointer { statement.sqliteStatement }
    private let db: Database

    init(_ db: Database, _ sql: String) throws {
        self.db = db
        self.statement = try db.makeStatement(sql: sql)
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func bind(_ i: Int32, _ v: String?) {
        guard let v else { sqlite3_bind_null(handle, i); return }
        var s = v
        s.withUTF8 { p in
            _ = sqlite3_bind_text(handle, i, UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(p.count), FastStatement.transient)
        }
    }

    func bind(_ i: Int32, _ v: Int64?) {
        guard let v else { sqlite3_bind_null(handle, i); return }
        sqlite3_bind_int64(handle, i, v)
    }

    func bind(_ i: Int32, _ v: Int?) { bind(i, v.map(Int64.init)) }
    func bind(_ i: Int32, _ v: Bool) { sqlite3_bind_int64(handle, i, v ? 1 : 0) }

    /// Steps once; true when a row is available.
    func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
        sqlite3_reset(handle)
        throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: message, sql: statement.sql)
    }

    /// Runs to completion (for INSERT/UPDATE).
    func run() throws {
        while try step() {}
        reset()
    }

    func int64(_ col: Int32) -> Int64 { sqlite3_column_int64(handle, col) }
    func isNull(_ col: Int32) -> Bool { sqlite3_column_type(handle, col) == SQLITE_NULL }
    func text(_ col: Int32) -> String? {
        guard let p = sqlite3_column_text(handle, col) else { return nil }
        return String(cString: p)
    }

    /// Insert-first upsert: runs this `INSERT … ON CONFLICT DO NOTHING` (its values already bound);
    /// nil when it inserted, else the existing row's id and content hash, looked up by `find`
    /// (`SELECT id, content_hash … WHERE key = ?`). A new row costs one statement.
    func insertOrFind(_ find: FastStatement, key: String) throws -> (id: Int64, hash: Int64)? {
        try run()
        if changes == 1 { return nil }
        find.bind(1, key)
        defer { find.reset() }
        guard try find.step() else { throw StoreError("\(key) was neither inserted nor found") }
        return (find.int64(0), find.int64(1))
    }

    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(sqlite3_db_handle(handle)) }
    var changes: Int32 { sqlite3_changes(sqlite3_db_handle(handle)) }
}

/// FNV-1a 64 over a record's normalised values: the content hash that tells an unchanged row
/// from a changed one on re-ingest.
struct ContentHasher {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ s: String?) {
        guard var s else { byte(0x00); return }
        s.withUTF8 { p in for b in p { byte(b) } }
        byte(0x1F)
    }

    mutating func add(_ v: Int64?) {
        guard let v else { byte(0x00); return }
        var x = UInt64(bitPattern: v)
        for _ in 0..<8 { byte(UInt8(x & 0xFF)); x >>= 8 }
        byte(0x1F)
    }

    mutating func add(_ b: Bool) { byte(b ? 1 : 2); byte(0x1F) }

    @inline(__always) private mutating func byte(_ b: UInt8) { value = (value ^ UInt64(b)) &* 0x100_0000_01b3 }

    var signed: Int64 { Int64(bitPattern: value) }
}
