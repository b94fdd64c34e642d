import GRDB
import GRDBSQLite

/// The main database file of a connection, read through the connection's own file handle
/// (`SQLITE_FCNTL_FILE_POINTER`, then the VFS's `xRead`): no second descriptor on the file.
///
/// A process that opens the database file itself and closes that descriptor loses every POSIX
/// lock it holds on the file (`close` drops them all, whichever descriptor took them), the SHARED
/// lock of each of its connections' read transactions included. Another process closing its last
/// connection could then take the file's exclusive lock, checkpoint without regard to those readers
/// and remove the WAL under their snapshots. SQLite's own descriptors avoid this (it keeps a closed
/// connection's descriptor open while the process holds locks); reading through them does too.
package struct DatabaseFileReader {
    private let file: UnsafeMutablePointer<sqlite3_file>

    /// The reader of `db`'s main file; nil when the connection has none (an in-memory database).
    package init?(_ db: Database) {
        var pointer: UnsafeMutablePointer<sqlite3_file>?
        guard sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_FILE_POINTER, &pointer) == SQLITE_OK,
              let pointer, pointer.pointee.pMethods != nil else { return nil }
        file = pointer
    }

    /// The file's size in bytes, nil when it cannot be known.
    package var size: Int? {
        var bytes: sqlite3_int64 = 0
        guard let sizeOf = file.pointee.pMethods.pointee.xFileSize, sizeOf(file, &bytes) == SQLITE_OK else { return nil }
        return Int(bytes)
    }

    /// Reads `count` bytes at `offset` into `buffer`; false when the file holds fewer or cannot be read.
    package func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) -> Bool {
        guard let read = file.pointee.pMethods.pointee.xRead, count <= Int(Int32.max) else { return false }
        return read(file, buffer, Int32(count), sqlite3_int64(offset)) == SQLITE_OK
    }
}
