import Foundation
import Ledger

/// A workspace on disk: `relance.toml`, `relance.sqlite`, and the folders the stages use.
package struct Workspace: Sendable {
    /// The workspace folder.
    package let root: String
    package var configPath: String { path("relance.toml") }
    package var databasePath: String { path("relance.sqlite") }
    package var inbox: String { path("inbox") }
    package var out: String { path("out") }
    package var backups: String { path("backups") }

    /// Folders created by `relance init`.
    package static let folders = ["inbox", "out", "rejects", "backups"]

    package init(root: String) {
        self.root = (root as NSString).standardizingPath
    }

    /// A path inside the workspace.
    package func path(_ relative: String) -> String {
        relative.hasPrefix("/") ? relative : (root as NSString).appendingPathComponent(relative)
    }

    /// True when the folder holds a `relance.toml`.
    package var exists: Bool { FileManager.default.fileExists(atPath: configPath) }

    /// Loads and validates the configuration.
    package func config() throws -> WorkspaceConfig { try WorkspaceConfig.load(path: configPath) }

    /// Why `init` refused.
    package struct InitError: Error, CustomStringConvertible {
        package let message: String
        package var description: String { message }
    }

    /// Creates the folders and a commented `relance.toml` (the demo company's with `demo`).
    /// Refuses to overwrite an existing configuration.
    package func create(demo: Bool) throws {
        let fm = FileManager.default
        if exists { throw InitError(message: "\(configPath) already exists; not overwriting a workspace") }
        try fm.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for f in Workspace.folders {
            try fm.createDirectory(atPath: path(f), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let text = demo ? DefaultFiles.demoConfig : DefaultFiles.config
        guard fm.createFile(atPath: configPath, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw InitError(message: "cannot write \(configPath)")
        }
    }
}
