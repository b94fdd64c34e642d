import Foundation
import Store

/// Temporary folders for tests.
package enum TemporaryDirectory {
    /// Creates `$TMPDIR/relance-<label>-<uuid>` and returns its path; the caller removes it.
    package static func make(_ label: String) -> String {
        let d = NSTemporaryDirectory() + "relance-\(label)-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }
}

/// A fresh, migrated database (`relance.sqlite`) in its own temporary folder, removed with the value.
package final class TemporaryStore {
    /// The folder (a workspace-like place for files next to the database).
    package let dir: String
    /// The open store.
    package let store: LedgerStore

    /// Creates the folder (named after `label`) and opens a migrated database in it.
    package init(_ label: String = "store") throws {
        dir = TemporaryDirectory.make(label)
        store = try LedgerStore(path: dir + "/relance.sqlite")
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    /// The database file.
    package var path: String { dir + "/relance.sqlite" }

    /// Writes `bytes` to a file in the folder and returns its path.
    @discardableResult
    package func write(_ name: String, _ bytes: [UInt8]) -> String {
        let p = dir + "/" + name
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    /// Writes `text` (UTF-8) to a file in the folder and returns its path.
    @discardableResult
    package func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }
}
