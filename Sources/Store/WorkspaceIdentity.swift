import Foundation
import GRDB

/// The database's identity row (`workspace_identity`, written by `relance init`) and the check every
/// command makes before it migrates or writes: a database that was emptied, replaced by another
/// workspace's, or put back at a lower schema level than the last run saw is refused, instead of
/// silently becoming a fresh, empty ledger that the nightly backup then saves over the good one.
///
/// "What the last run saw" is kept outside the database, in the workspace's `relance.identity`
/// file (0600): the workspace id and the schema level (the number of applied migrations).
package struct WorkspaceIdentity: Sendable, Equatable {
    /// A random id given by `relance init` (or on adoption).
    package var workspaceID: String
    /// When the workspace's ledger was created (ISO 8601 UTC).
    package var createdAt: String
    /// The number of migrations applied.
    package var schemaLevel: Int

    /// The workspace file that records what the last command saw.
    package static let recordName = "relance.identity"

    /// An identity.
    package init(workspaceID: String, createdAt: String, schemaLevel: Int) {
        self.workspaceID = workspaceID
        self.createdAt = createdAt
        self.schemaLevel = schemaLevel
    }

    /// Why a database is refused.
    package struct Refusal: Error, CustomStringConvertible {
        /// What is wrong, in one sentence.
        package let message: String
        package var description: String { message }
    }

    /// The identity table (migration 0016b-workspace-identity; owner: `relance init` and the store).
    static func migrationV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE workspace_identity (
              id INTEGER PRIMARY KEY CHECK (id = 1),
              workspace_id TEXT NOT NULL,
              created_at TEXT NOT NULL,
              schema_level INTEGER NOT NULL
            );
            """)
    }

    /// Writes the identity of a new workspace's database (`relance init`) and the record of it beside.
    package static func create(store: LedgerStore, recordPath: String, at: Date) throws -> WorkspaceIdentity {
        let level = try store.appliedMigrations().count
        let identity = WorkspaceIdentity(workspaceID: UUID().uuidString.lowercased(), createdAt: Instant.string(at), schemaLevel: level)
        try store.pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO workspace_identity (id, workspace_id, created_at, schema_level) VALUES (1, ?, ?, ?)",
                           arguments: [identity.workspaceID, identity.createdAt, level])
        }
        try identity.record(at: recordPath)
        return identity
    }

    /// The identity `relance.identity` holds, nil when there is no such file.
    package static func recorded(at path: String) -> WorkspaceIdentity? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        guard let id = fields["workspace_id"], let level = fields["schema_level"].flatMap(Int.init) else { return nil }
        return WorkspaceIdentity(workspaceID: id, createdAt: fields["created_at"] ?? "", schemaLevel: level)
    }

    /// Writes `relance.identity` (0600) atomically.
    package func record(at path: String) throws {
        let text = "# What the last Relance command saw of relance.sqlite; do not edit.\nworkspace_id=\(workspaceID)\n"
            + "created_at=\(createdAt)\nschema_level=\(schemaLevel)\n"
        let temp = path + ".tmp"
        guard FileManager.default.createFile(atPath: temp, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw StoreError.cannotWrite(path: temp, reason: nil)
        }
        guard rename(temp, path) == 0 else { throw StoreError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
    }

    /// Checks the database at `path` before it is opened for use: it exists, is not empty, opens,
    /// has an identity (adopted, for a database with data from before identities, when no run has
    /// recorded one), belongs to the recorded workspace and is not at a lower schema level than
    /// recorded. Changes nothing but the adoption.
    package static func check(databasePath path: String, recordPath: String, at: Date) throws -> WorkspaceIdentity? {
        let recorded = recorded(at: recordPath)
        let size = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.int64Value
        guard let size else { throw Refusal(message: "the database \(path) is missing") }
        guard size > 0 else { throw Refusal(message: "the database \(path) is empty (0 bytes): it was emptied or truncated") }
        SQLiteProcess.configure()
        var config = Configuration()
        config.readonly = true
        let found: (identity: WorkspaceIdentity?, level: Int, hasData: Bool)
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            found = try queue.read { db in
                guard try db.tableExists("grdb_migrations") else { return (nil, 0, false) }
                let level = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations") ?? 0
                var identity: WorkspaceIdentity?
                if try db.tableExists("workspace_identity"), let row = try Row.fetchOne(db, sql: "SELECT * FROM workspace_identity WHERE id = 1") {
                    identity = WorkspaceIdentity(workspaceID: row["workspace_id"], createdAt: row["created_at"], schemaLevel: level)
                }
                var hasData = false
                for table in ["run", "debtor", "invoice"] where try db.tableExists(table) {
                    if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table))") == true { hasData = true }
                }
                return (identity, level, hasData)
            }
        } catch let e as DatabaseError {
            throw Refusal(message: "the database \(path) is damaged: \(e.message ?? "\(e.resultCode)")")
        }
        guard found.level > 0 else {
            throw Refusal(message: "\(path) holds no Relance ledger (no schema): it was emptied or replaced")
        }
        guard let identity = found.identity else {
            if recorded == nil && found.hasData { return nil }  // a ledger from before identities: adopted by the caller
            throw Refusal(message: recorded == nil
                ? "\(path) has no identity row and no data: it is not a ledger `relance init` made"
                : "\(path) has no identity row: it is not this workspace's ledger (emptied, replaced or recreated)")
        }
        if let recorded {
            guard recorded.workspaceID == identity.workspaceID else {
                throw Refusal(message: "\(path) belongs to workspace \(identity.workspaceID), not to this one (\(recorded.workspaceID))")
            }
            guard found.level >= recorded.schemaLevel else {
                throw Refusal(message: "\(path) is at schema level \(found.level), lower than the \(recorded.schemaLevel) the last "
                    + "command saw: an older copy was put in its place")
            }
        }
        return identity
    }

    /// After a successful check and migration: records the identity (adopting a ledger from before
    /// identities) and the schema level in the database and in `relance.identity`.
    package static func confirm(store: LedgerStore, recordPath: String, at: Date) throws {
        let level = try store.appliedMigrations().count
        let identity = try store.pool.write { db -> WorkspaceIdentity in
            if let stored = try WorkspaceIdentityRecord.fetchOne(db, key: 1) {
                try db.execute(sql: "UPDATE workspace_identity SET schema_level = ? WHERE id = 1 AND schema_level != ?", arguments: [level, level])
                return WorkspaceIdentity(workspaceID: stored.workspaceID, createdAt: stored.createdAt, schemaLevel: level)
            }
            let created = try String.fetchOne(db, sql: "SELECT MIN(started_at) FROM run") ?? Instant.string(at)
            let adopted = WorkspaceIdentity(workspaceID: UUID().uuidString.lowercased(), createdAt: created, schemaLevel: level)
            try db.execute(sql: "INSERT INTO workspace_identity (id, workspace_id, created_at, schema_level) VALUES (1, ?, ?, ?)",
                           arguments: [adopted.workspaceID, adopted.createdAt, level])
            return adopted
        }
        if recorded(at: recordPath) != identity { try identity.record(at: recordPath) }
    }
}

/// The `workspace_identity` row as stored (`WorkspaceIdentity` is the same without its id).
package struct WorkspaceIdentityRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    /// The table.
    package static let databaseTableName = "workspace_identity"
    /// Row id (the table holds one row).
    package var id: Int64?
    /// A random id given by `relance init` (or on adoption).
    package var workspaceID: String
    /// When the workspace's ledger was created (ISO 8601 UTC).
    package var createdAt: String
    /// The number of migrations applied when the row was written.
    package var schemaLevel: Int

    /// Every column.
    package init(id: Int64?, workspaceID: String, createdAt: String, schemaLevel: Int) {
        self.id = id
        self.workspaceID = workspaceID
        self.createdAt = createdAt
        self.schemaLevel = schemaLevel
    }

    enum CodingKeys: String, CodingKey {
        case id, workspaceID = "workspace_id", createdAt = "created_at", schemaLevel = "schema_level"
    }
}
