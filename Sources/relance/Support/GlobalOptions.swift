import ArgumentParser
import Foundation
import Ledger
import Reports
import Store
import Workspace

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Workspace folder (default: $RELANCE_WORKSPACE, else the current folder).", valueName: "dir"))
    var workspace: String?

    /// The workspace these options name.
    func resolve() -> Workspace {
        let env = ProcessInfo.processInfo.environment["RELANCE_WORKSPACE"].flatMap { $0.isEmpty ? nil : $0 }
        let dir = workspace ?? env ?? FileManager.default.currentDirectoryPath
        return Workspace(root: absolute(dir))
    }

    /// Opens an existing workspace: its validated config and its migrated database.
    func open() throws -> (Workspace, WorkspaceConfig, LedgerStore) {
        let ws = resolve()
        guard ws.exists else {
            throw CLIError(.usage, "\(ws.root) is not a Relance workspace (no relance.toml); create one with `relance init DIR`")
        }
        let config: WorkspaceConfig
        do { config = try ws.config() } catch let e as ConfigProblems {
            throw CLIError(.config, e.description)
        }
        let record = ws.path(WorkspaceIdentity.recordName)
        do {
            _ = try WorkspaceIdentity.check(databasePath: ws.databasePath, recordPath: record, at: Date())
        } catch let r as WorkspaceIdentity.Refusal {
            throw CLIError(.config, r.message + "; nothing was changed. " + Self.restoreAdvice(ws, config))
        }
        do {
            let store = try LedgerStore(path: ws.databasePath)
            try WorkspaceIdentity.confirm(store: store, recordPath: record, at: Date())
            return (ws, config, store)
        } catch {
            throw CLIError.from(database: error, path: ws.databasePath)
        }
    }

    /// Names the newest verified backup and the command that puts it back.
    static func restoreAdvice(_ ws: Workspace, _ config: WorkspaceConfig) -> String {
        let folder = ws.path(config.backup.folder)
        guard let newest = Backups.newestVerified(folder: folder) else {
            return "There is no verified backup in \(folder); restore one from elsewhere with `relance db restore FILE`."
        }
        return "The newest verified backup is \(newest): stop the nightly timer, then `relance db restore \(newest)`."
    }
}

/// Makes a path absolute against the current folder.
func absolute(_ p: String) -> String {
    p.hasPrefix("/") ? p : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(p)
}

/// Parses `--as-of` values.
extension Day: ExpressibleByArgument {
    public init?(argument: String) { self.init(iso: argument) }
}
