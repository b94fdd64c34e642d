import Foundation
import GRDB
import Store

/// An upgrade test's ledger (issue 17's migrations): a database in its own temporary folder,
/// migrated only up to `migration` and filled by `seed` in that old schema; then closed and opened
/// as a `LedgerStore`, which runs every later migration, and handed to `check` with what `seed`
/// returned (the rows as they were, say). The folder is removed after `check`.
package func upgradeLedger<Seeded>(from migration: String, label: String, configuration: Configuration = Configuration(),
                                   seed: (Database) throws -> Seeded, check: (LedgerStore, Seeded) throws -> Void) throws {
    let dir = TemporaryDirectory.make(label)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/relance.sqlite"
    let old = try DatabaseQueue(path: path, configuration: configuration)
    try Schema.migrator.migrate(old, upTo: migration)
    let seeded = try old.write(seed)
    try old.close()
    try check(try LedgerStore(path: path), seeded)
}
