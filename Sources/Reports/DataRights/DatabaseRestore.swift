#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRDB
import Ledger
import Store

/// Puts a backup back in place of the workspace database: checked first, the current database
/// kept beside it, replaced in one step.
package enum DatabaseRestore {
    /// What a restore did.
    package struct Outcome: Sendable, Equatable {
        /// The copy of the database as it was before (`relance.sqlite.before-restore`).
        package var before: String
        /// Migrations applied to the restored database (a backup from an older version).
        package var migrated: [String]
        /// Debtors erased in the replaced database but not in the backup (it was made before):
        /// their erasure must be done again (`DebtorErasure.erase`), or the restore brings their
        /// personal data back. The caller does it, since it knows the workspace's files.
        package var erasuresToRedo: [String] = []
        /// True when the live database was missing or could not be read, and was moved aside
        /// rather than copied (its data-rights log could not be consulted).
        package var replacedDamaged = false
    }

    /// Why a restore was refused or failed.
    package enum Failure: Error, CustomStringConvertible, Equatable {
        case missing(String)
        /// `PRAGMA integrity_check` did not answer `ok`; its first lines.
        case damaged(String, [String])
        /// Not a Relance database, or one from a newer version (unknown migrations).
        case notRelance(String, String)
        case failed(String)

        package var description: String {
            switch self {
            case .missing(let p): "\(p) does not exist"
            case .damaged(let p, let lines): "\(p) fails the integrity check: " + lines.prefix(3).joined(separator: "; ")
            case .notRelance(let p, let why): "\(p) is not a backup this version can restore: \(why)"
            case .failed(let why): why
            }
        }
    }

    /// Checks a backup file: readable, `PRAGMA integrity_check` says `ok`, it holds Relance's
    /// schema and no migration this version does not know. Returns its migrations.
    package static func check(_ file: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: file) else { throw Failure.missing(file) }
        var config = Configuration()
        config.readonly = true
        do {
            let queue = try DatabaseQueue(path: file, configuration: config)
            defer { try? queue.close() }
            return try queue.read { db in
                let lines = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                guard lines == ["ok"] else { throw Failure.damaged(file, lines) }
                guard try db.tableExists("grdb_migrations"), try db.tableExists("invoice") else {
                    throw Failure.notRelance(file, "it has no Relance tables")
                }
                let applied = try DataRightsCommands.appliedMigrations(db)
                let known = Set(Schema.migrator.migrations)
                if let unknown = applied.first(where: { !known.contains($0) }) {
                    throw Failure.notRelance(file, "it was written by a newer version (migration \(unknown))")
                }
                return applied
            }
        } catch let f as Failure {
            throw f
        } catch let e as DatabaseError {
            throw Failure.damaged(file, [e.message ?? "\(e.resultCode)"])
        }
    }

    /// Restores `file` into the database at `databasePath`: checks the file, copies the current
    /// database to `databasePath.before-restore` (0600), copies the backup over the live database
    /// with SQLite's backup API (one write transaction: readers see the old or the new database,
    /// never a mix, and the WAL stays consistent), migrates it and logs the restore in it.
    package static func restore(from file: String, databasePath: String, actor: String, at instant: Date) throws -> Outcome {
        _ = try check(file)
        if let problem = liveProblem(databasePath) {
            return try replaceDamaged(databasePath, from: file, problem: problem, actor: actor, at: instant)
        }
        let before = databasePath + ".before-restore"
        let store: LedgerStore
        do { store = try LedgerStore(path: databasePath, migrate: false) } catch {
            throw Failure.failed("cannot open \(databasePath): \(error)")
        }
        // The data-rights log so far: a backup made before an erasure must not bring the data back,
        // and the log's history (erasures, exports, restores) must survive the restore.
        let log = try store.pool.read { db in try DataRightsCommands.log(db) }
        var erased: [String] = []
        for r in log where r.action == .erase {
            if let key = r.subject, !erased.contains(key) { erased.append(key) }
        }
        let temp = before + ".partial"
        unlink(temp)
        try Backups.copy(store.pool, to: temp)
        guard rename(temp, before) == 0 else {
            unlink(temp)
            throw Failure.failed("cannot keep the current database as \(before): \(String(cString: strerror(errno)))")
        }
        var config = Configuration()
        config.readonly = true
        do {
            let source = try DatabaseQueue(path: file, configuration: config)
            try source.backup(to: store.pool)
            try source.close()
        } catch {
            throw Failure.failed("cannot copy \(file) into \(databasePath) (the database is unchanged; \(before) holds it too): \(error)")
        }
        let migrated = try store.migrate()
        let redo = try store.pool.write { db -> [String] in
            let done = try DataRightsCommands.erasedDebtorKeys(db)
            // Entries the backup does not have come back, in their order, before the restore's own.
            try DataRightsCommands.mergeLog(db, log)
            var redo: [String] = []
            for key in erased where !done.contains(key) {
                let name = try DataRightsCommands.debtorName(db, key: key)
                if let name, name != DebtorErasure.erasedName(key) { redo.append(key) }
            }
            try DataRightsCommands.appendLog(db, at: instant, actor: actor, action: .restore, subject: (file as NSString).lastPathComponent,
                                     detail: ["before": before, "migrated": migrated.joined(separator: ","),
                                              "erasures_to_redo": String(redo.count)])
            return redo
        }
        return Outcome(before: before, migrated: migrated, erasuresToRedo: redo)
    }
}

extension DatabaseRestore {
    /// Why the live database cannot be restored over in place (missing, empty, unreadable, failing
    /// `PRAGMA quick_check`, no Relance schema); nil when it can.
    static func liveProblem(_ path: String) -> String? {
        guard let size = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.int64Value else {
            return "it is missing"
        }
        guard size > 0 else { return "it is empty" }
        var config = Configuration()
        config.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            return try queue.read { db in
                let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
                guard check == ["ok"] else { return "PRAGMA quick_check: " + check.prefix(2).joined(separator: "; ") }
                return try db.tableExists("grdb_migrations") ? nil : "it holds no Relance schema"
            }
        } catch {
            return "it cannot be read: \(error)"
        }
    }

    /// Moves a damaged or missing live database aside (with its `-wal` and `-shm`), puts a copy of
    /// the backup in its place, migrates it and logs the restore.
    static func replaceDamaged(_ databasePath: String, from file: String, problem: String, actor: String,
                               at instant: Date) throws -> Outcome {
        let fm = FileManager.default
        let before = databasePath + ".before-restore"
        var moved = false
        if fm.fileExists(atPath: databasePath) {
            for suffix in ["", "-wal", "-shm"] {
                unlink(before + suffix)
                if fm.fileExists(atPath: databasePath + suffix), rename(databasePath + suffix, before + suffix) != 0 {
                    throw Failure.failed("cannot move the damaged \(databasePath + suffix) aside: \(String(cString: strerror(errno)))")
                }
            }
            moved = true
        }
        let temp = databasePath + ".restoring"
        unlink(temp)
        var config = Configuration()
        config.readonly = true
        do {
            let source = try DatabaseQueue(path: file, configuration: config)
            try Backups.copy(source, to: temp)
            try source.close()
        } catch {
            throw Failure.failed("cannot copy \(file): \(error)")
        }
        guard rename(temp, databasePath) == 0 else {
            unlink(temp)
            throw Failure.failed("cannot put the backup in place at \(databasePath): \(String(cString: strerror(errno)))")
        }
        let store = try LedgerStore(path: databasePath, migrate: false)
        let migrated = try store.migrate()
        try store.pool.write { db in
            try DataRightsCommands.appendLog(db, at: instant, actor: actor, action: .restore, subject: (file as NSString).lastPathComponent,
                                     detail: ["before": moved ? before : nil, "replaced_damaged": problem,
                                              "migrated": migrated.joined(separator: ",")])
        }
        return Outcome(before: moved ? before : "(none: there was no database)", migrated: migrated, erasuresToRedo: [],
                       replacedDamaged: true)
    }
}

/// Helpers shared by backups, restore, export and erasure.
package enum DataRights {
    /// Who runs this process, for the log: `$SUDO_USER` or `$USER` (else the numeric uid) at the host.
    package static func currentActor() -> String {
        let env = ProcessInfo.processInfo.environment
        let user = env["SUDO_USER"].flatMap { $0.isEmpty ? nil : $0 } ?? env["USER"].flatMap { $0.isEmpty ? nil : $0 }
        return (user ?? "uid \(getuid())") + "@" + ProcessInfo.processInfo.hostName
    }
}
