import Foundation
import Ledger

/// A workspace on disk: `relance.toml`, `relance.sqlite`, and the folders the stages use.
public struct Workspace: Sendable {
    /// The workspace folder.
    public let root: String
    public var configPath: String { path("relance.toml") }
    public var databasePath: String { path("relance.sqlite") }
    public var inbox: String { path("inbox") }
    public var out: String { path("out") }
    public var backups: String { path("backups") }

    /// Folders created by `relance init`.
    public static let folders = ["inbox", "out", "rejects", "backups"]

    public init(root: String) {
        self.root = (root as NSString).standardizingPath
    }

    /// A path inside the workspace.
    public func path(_ relative: String) -> String {
        relative.hasPrefix("/") ? relative : (root as NSString).appendingPathComponent(relative)
    }

    /// True when the folder holds a `relance.toml`.
    public var exists: Bool { FileManager.default.fileExists(atPath: configPath) }

    /// Loads and validates the configuration.
    public func config() throws -> WorkspaceConfig { try WorkspaceConfig.load(path: configPath) }

    /// Why `init` refused.
    public struct InitError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Creates the folders and a commented `relance.toml` (the demo company's with `demo`).
    /// Refuses to overwrite an existing configuration.
    public func create(demo: Bool) throws {
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
