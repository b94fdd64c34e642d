#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRDB
import Ledger
import Store

/// Consistent online snapshots of the ledger with SQLite's backup API, kept by a retention
/// policy. What `relance db backup` and the nightly run call.
package enum Backups {
    /// How many backups to keep: the newest of each of the latest `daily` days that have one,
    /// and the newest of each of the latest `monthly` months that have one (restic's
    /// `--keep-daily` / `--keep-monthly`). A backup kept by either rule stays.
    package struct Policy: Sendable, Equatable {
        package var daily: Int
        package var monthly: Int
        package init(daily: Int = 14, monthly: Int = 12) {
            self.daily = max(1, daily)
            self.monthly = max(0, monthly)
        }
    }

    /// What one backup did.
    package struct Outcome: Sendable, Equatable {
        /// The new backup file.
        package var path: String
        package var bytes: Int64
        /// Older backups removed by the retention policy.
        package var removed: [String]
    }

    /// Why a backup failed.
    package struct Failure: Error, CustomStringConvertible {
        package let message: String
        /// The copy kept as `…-suspect.sqlite` when the check refused it.
        package var suspect: String?
        package var description: String { message }
    }

    /// The tables whose row counts a backup is compared on.
    package static let coreTables = ["debtor", "invoice", "payment", "dunning_event", "outbox_message"]

    /// `relance-2026-11-21T023000.sqlite`: the instant in the workspace's time zone.
    package static func fileName(at instant: Date, timeZone: TimeZone) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
        func p(_ v: Int?, _ w: Int) -> String { let s = String(v ?? 0); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "relance-\(p(c.year, 4))-\(p(c.month, 2))-\(p(c.day, 2))T\(p(c.hour, 2))\(p(c.minute, 2))\(p(c.second, 2)).sqlite"
    }

    /// The day (`YYYY-MM-DD`) of a backup file name, nil for any other file.
    static func day(ofFile name: String) -> String? {
        let u = Array(name.utf8)
        guard name.hasPrefix("relance-"), name.hasSuffix(".sqlite"), u.count == "relance-2026-11-21T023000.sqlite".utf8.count,
            u[18] == UInt8(ascii: "T"), u[19...24].allSatisfy({ $0 >= 48 && $0 <= 57 })
        else { return nil }
        let day = String(decoding: u[8..<18], as: UTF8.self)
        return Ledger.Day(iso: day) == nil ? nil : day
    }

    /// Copies the database into `folder` (created 0700) as a new 0600 file, then applies the
    /// retention policy. The copy is one consistent snapshot even while other processes write.
    ///
    /// The copy is checked before it counts: `PRAGMA quick_check` must say `ok`, and no core table
    /// may hold less than half the rows it held in the newest verified backup (unless
    /// `acceptShrink`). A copy that fails is kept as `relance-…-suspect.sqlite`, which neither
    /// replaces nor rotates out a verified backup, and the backup throws.
    package static func backup(store: LedgerStore, folder: String, at instant: Date, timeZone: TimeZone,
                              policy: Policy, acceptShrink: Bool = false) throws -> Outcome {
        try backup(store: store, folder: folder, at: instant, timeZone: timeZone, policy: policy, acceptShrink: acceptShrink,
                   afterCopy: nil)
    }

    /// `backup`, with `afterCopy` called on the file copy once it is on disk and before it is
    /// compared with the database (tests damage it there).
    static func backup(store: LedgerStore, folder: String, at instant: Date, timeZone: TimeZone, policy: Policy,
                       acceptShrink: Bool, afterCopy: (@Sendable (String) -> Void)?) throws -> Outcome {
        try OwnerOnly.directory(folder)
        var name = fileName(at: instant, timeZone: timeZone)
        var path = (folder as NSString).appendingPathComponent(name)
        var n = 1
        while FileManager.default.fileExists(atPath: path) {
            // Two backups in the same second: wait a second's worth of name.
            n += 1
            name = fileName(at: instant.addingTimeInterval(Double(n - 1)), timeZone: timeZone)
            path = (folder as NSString).appendingPathComponent(name)
        }
        let temp = path + ".partial"
        unlink(temp)
        // A record left under this name by a backup killed before its rename describes no file here.
        unlink(path + Record.suffix)
        let previous = newestVerified(folder: folder)
        let checked: (problem: String?, counts: [String: Int]?)
        if let copied = try FileCopy.run(store: store, to: temp, against: previous, acceptShrink: acceptShrink, afterCopy: afterCopy) {
            checked = copied
        } else {
            try copy(store.pool, to: temp)
            checked = try check(temp, against: previous, acceptShrink: acceptShrink)
        }
        if let problem = checked.problem {
            let suspect = String(path.dropLast(".sqlite".count)) + "-suspect.sqlite"
            let kept = rename(temp, suspect) == 0 ? suspect : nil
            if kept == nil { unlink(temp) }
            throw Failure(message: "the backup failed its check (\(problem)); "
                + (kept.map { "the copy is kept as \($0); " } ?? "") + "no verified backup was replaced or removed", suspect: kept)
        }
        // On disk before it is published, and before any older backup is removed.
        guard syncFile(temp) else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw Failure(message: "cannot write the backup to disk at \(temp): \(reason)")
        }
        // The counts the check took, for the next backup's check (an optimisation only: a backup
        // without its record, or whose record does not match it, is counted again).
        if let counts = checked.counts { try? Record.write(counts: counts, of: temp, as: path) }
        guard rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            unlink(path + Record.suffix)
            throw Failure(message: "cannot move the backup into place at \(path): \(reason)")
        }
        guard syncFile(folder) else {
            throw Failure(message: "cannot write the backups folder \(folder) to disk: \(String(cString: strerror(errno)))")
        }
        let bytes = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.int64Value ?? 0
        let removed = try prune(folder: folder, policy: policy)
        return Outcome(path: path, bytes: bytes, removed: removed)
    }

    /// `fsync` of a file or a folder; true when done.
    static func syncFile(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return fsync(fd) == 0 || errno == EINVAL
    }

    /// A verified backup's row counts, kept beside it as `relance-….sqlite.verified` (0600), so the
    /// next backup's check compares against them without reading the whole previous file again. It
    /// names the file it describes and holds its size, modification time, inode and first 100 bytes
    /// (SQLite's header: page count, change counter); it is trusted only while they all match.
    /// Written (atomically) after the check passed and before the rename that publishes the backup;
    /// removed with the backup by the retention policy.
    struct Record: Equatable {
        static let suffix = ".verified"
        static let magic = "relance backup verified 1"

        /// What identifies the file a record describes.
        struct Identity: Equatable {
            var bytes: Int64
            var mtime: String
            var inode: UInt64
            var header: String

            /// The identity of the regular file at `path`, nil when it cannot be read.
            static func of(_ path: String) -> Identity? {
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { return nil }
                defer { close(fd) }
                var st = stat()
                guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
                var head = [UInt8](repeating: 0, count: 100)
                guard pread(fd, &head, 100, 0) == 100 else { return nil }
                return Identity(bytes: Int64(st.st_size), mtime: "\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)",
                                inode: UInt64(st.st_ino), header: head.map { String(format: "%02x", $0) }.joined())
            }
        }

        var file: String
        var identity: Identity
        var counts: [String: Int]

        var text: String {
            var lines = [Self.magic, "file \(file)", "bytes \(identity.bytes)", "mtime \(identity.mtime)",
                         "inode \(identity.inode)", "header \(identity.header)"]
            for t in coreTables { if let n = counts[t] { lines.append("count \(t) \(n)") } }
            lines.append("end")
            return lines.joined(separator: "\n") + "\n"
        }

        init(file: String, identity: Identity, counts: [String: Int]) {
            self.file = file
            self.identity = identity
            self.counts = counts
        }

        /// Parses a record's text; nil for anything else (a torn or foreign file).
        init?(text: String) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard lines.count >= 8, lines[0] == Self.magic, lines[lines.count - 2] == "end", lines[lines.count - 1].isEmpty else { return nil }
            func value(_ i: Int, _ key: String) -> String? {
                lines[i].hasPrefix(key + " ") ? String(lines[i].dropFirst(key.count + 1)) : nil
            }
            guard let file = value(1, "file"), let bytes = value(2, "bytes").flatMap({ Int64($0) }), let mtime = value(3, "mtime"),
                let inode = value(4, "inode").flatMap({ UInt64($0) }), let header = value(5, "header"), header.utf8.count == 200
            else { return nil }
            var counts: [String: Int] = [:]
            for line in lines[6..<(lines.count - 2)] {
                let parts = line.split(separator: " ")
                guard parts.count == 3, parts[0] == "count", coreTables.contains(String(parts[1])), let n = Int(parts[2]), n >= 0,
                    counts.updateValue(n, forKey: String(parts[1])) == nil
                else { return nil }
            }
            self.init(file: file, identity: Identity(bytes: bytes, mtime: mtime, inode: inode, header: header), counts: counts)
        }

        /// Writes the record of the checked copy at `temp`, to be published as the backup `path`.
        static func write(counts: [String: Int], of temp: String, as path: String) throws {
            guard let identity = Identity.of(temp) else { throw Failure(message: "cannot read \(temp)") }
            let record = Record(file: (path as NSString).lastPathComponent, identity: identity, counts: counts)
            try OwnerOnly.write(path + suffix) { $0.write(record.text) }
        }

        /// The counts recorded for the backup at `path`, nil when there is no record or it does not
        /// match the file as it is now.
        static func counts(of path: String) -> [String: Int]? {
            guard let data = FileManager.default.contents(atPath: path + suffix), let text = String(data: data, encoding: .utf8),
                let record = Record(text: text), record.file == (path as NSString).lastPathComponent,
                let now = Identity.of(path), now == record.identity
            else { return nil }
            return record.counts
        }
    }

    /// The newest verified backup in `folder` (`relance-…T……….sqlite`, not `-suspect`), nil when none.
    package static func newestVerified(folder: String) -> String? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { day(ofFile: $0) != nil }.max().map { (folder as NSString).appendingPathComponent($0) }
    }

    /// Row counts of the core tables of the database file at `path`.
    package static func counts(_ path: String) throws -> [String: Int] {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: config)
        defer { try? queue.close() }
        return try queue.read { db in
            var counts: [String: Int] = [:]
            for t in coreTables where try db.tableExists(t) { counts[t] = try DataRightsCommands.rowCount(db, t) }
            return counts
        }
    }

    /// Why the copy at `path` is suspect, nil when it is good: `quick_check`, then each core table
    /// against `previous` (a table that lost more than half its rows, from at least 10).
    static func verify(_ path: String, against previous: String?, acceptShrink: Bool) throws -> String? {
        try check(path, against: previous, acceptShrink: acceptShrink).problem
    }

    /// What `verify` says, with the copy's row counts when it passed (for its record). The counts are
    /// taken on a second connection while `quick_check` runs, with the copy's pages still in memory;
    /// the previous backup's come from its record when that matches it, else from the file.
    static func check(_ path: String, against previous: String?, acceptShrink: Bool) throws -> (problem: String?, counts: [String: Int]?) {
        let results = CheckResults()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            if i == 0 {
                var config = Configuration()
                config.readonly = true
                let check = Result<[String], any Error> {
                    let queue = try DatabaseQueue(path: path, configuration: config)
                    defer { try? queue.close() }
                    return try queue.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
                }
                results.lock.withLock { results.check = check }
            } else {
                let now = Result<[String: Int], any Error> { try counts(path) }
                results.lock.withLock { results.now = now }
            }
        }
        return try judge(results.lock.withLock { (results.check!, results.now!) }, against: previous, acceptShrink: acceptShrink)
    }

    /// `check`'s verdict on a `quick_check` result and the copy's row counts.
    static func judge(_ checked: (check: Result<[String], any Error>, now: Result<[String: Int], any Error>), against previous: String?,
                      acceptShrink: Bool) throws -> (problem: String?, counts: [String: Int]?) {
        let check: [String]
        do {
            check = try checked.check.get()
        } catch {
            return ("it cannot be read: \(error)", nil)
        }
        guard check == ["ok"] else { return ("PRAGMA quick_check: " + check.prefix(3).joined(separator: "; "), nil) }
        let counted = checked.now
        guard !acceptShrink, let previous, let before = Record.counts(of: previous) ?? (try? counts(previous)) else {
            return (nil, try? counted.get())
        }
        let now = try counted.get()
        let shrunk = coreTables.compactMap { t -> String? in
            guard let b = before[t], b >= 10, (now[t] ?? 0) * 2 < b else { return nil }
            return "\(t) \(b) → \(now[t] ?? 0)"
        }
        guard !shrunk.isEmpty else { return (nil, now) }
        return ("rows dropped by more than half since \((previous as NSString).lastPathComponent): "
            + shrunk.joined(separator: ", ") + "; if that is right, run `relance db backup --accept-shrink`", nil)
    }

    /// The two halves of `check`, filled by its two threads.
    private final class CheckResults: @unchecked Sendable {
        let lock = NSLock()
        var check: Result<[String], any Error>?
        var now: Result<[String: Int], any Error>?
    }

    /// Writes a snapshot of `source` into a new owner-only file at `path`, as a single file in
    /// rollback-journal mode (no `-wal` beside it).
    static func copy(_ source: some DatabaseReader, to path: String) throws {
        let fd = try OwnerOnly.create(path)
        close(fd)
        do {
            let target = try DatabaseQueue(path: path)
            try source.backup(to: target)
            try target.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try target.close()
        } catch {
            unlink(path)
            throw Failure(message: "cannot back up the database to \(path): \(error)")
        }
    }

    /// Removes the backups the policy does not keep; returns their paths. Only files named like
    /// a backup are ever considered.
    @discardableResult
    package static func prune(folder: String, policy: Policy) throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let backups = names.compactMap { n in day(ofFile: n).map { (name: n, day: $0) } }.sorted { $0.name > $1.name }
        var keep = Set<String>()
        var days = Set<String>(), months = Set<String>()
        for b in backups {
            if days.count < policy.daily, days.insert(b.day).inserted { keep.insert(b.name) }
            let month = String(b.day.prefix(7))
            if months.count < policy.monthly, months.insert(month).inserted { keep.insert(b.name) }
        }
        var removed: [String] = []
        for b in backups where !keep.contains(b.name) {
            let path = (folder as NSString).appendingPathComponent(b.name)
            if unlink(path) == 0 { removed.append(path) }
        }
        // Each removed backup's record, and any record whose backup is gone (a backup killed
        // before its rename, a backup removed by hand).
        for n in names where n.hasSuffix(Record.suffix) {
            let backup = String(n.dropLast(Record.suffix.count))
            if day(ofFile: backup) != nil, !keep.contains(backup) {
                unlink((folder as NSString).appendingPathComponent(n))
            }
        }
        // A copy a killed backup left half-written (its `.partial`, and a step's rollback journal) is
        // a copy of the personal data no policy keeps: removed once a day old, which no backup
        // still writing is (another backup may be writing its own `.partial` now).
        let stale = Date().addingTimeInterval(-staleCopyAge)
        for n in names where n.hasPrefix("relance-") && (n.hasSuffix(".sqlite.partial") || n.hasSuffix(".sqlite.partial-journal")) {
            let p = (folder as NSString).appendingPathComponent(n)
            if let m = (try? FileManager.default.attributesOfItem(atPath: p))?[.modificationDate] as? Date, m < stale { unlink(p) }
        }
        return removed
    }

    /// How old a half-written copy must be for retention to remove it (a day).
    static let staleCopyAge: TimeInterval = 86_400
}
