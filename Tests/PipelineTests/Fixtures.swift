import Foundation
import Ledger
import Pipeline
import Store
import Workspace

/// A fresh folder under the temporary directory, removed by `remove()`.
struct TempFolder {
    let path: String

    init() throws {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("relance-pipeline-" + UUID().uuidString)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A workspace rooted here (no relance.toml: the shipped ladders, templates and rates apply).
    var workspace: Workspace { Workspace(root: path) }

    /// A migrated ledger in this folder.
    func store() throws -> LedgerStore { try LedgerStore(path: (path as NSString).appendingPathComponent("relance.sqlite")) }

    /// Writes `text` to `name` inside the folder.
    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: (path as NSString).appendingPathComponent(name)))
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A console that keeps the lines, draws nothing.
final class RecordingConsole: NightlyConsole, @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [String] = []
    func line(_ text: String) { lock.withLock { kept.append(text) } }
    func progress(_ label: String) -> (any StageProgress)? { nil }
    var lines: [String] { lock.withLock { kept } }
}

/// The company identity a letter needs, complete.
func completeConfig() -> WorkspaceConfig {
    var c = WorkspaceConfig()
    c.company.name = "Acme NV"
    c.company.street = "Kerkstraat 1"
    c.company.postalCode = "9000"
    c.company.city = "Gent"
    c.company.enterpriseNumber = "0403.170.701"
    c.company.iban = try? IBAN(parsing: "BE68539007547034")
    return c
}
