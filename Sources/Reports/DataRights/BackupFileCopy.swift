#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRDB
import Store

extension Backups {
    /// The backup's copy made from the database file itself, with `PRAGMA quick_check` run on the same
    /// snapshot beside it (the copy and the check on two cores, where the backup API's copy and the check
    /// of that copy ran one after the other).
    ///
    /// While the pool's writer holds the write lock (`BEGIN IMMEDIATE`: no connection of any process can
    /// commit), a passive checkpoint must find every frame of the WAL already in the database file; then
    /// two connections begin their read transactions. Such a snapshot reads the database file only (WAL
    /// read lock 0), and no checkpoint may write into that file while it is held, so the file's first
    /// `page_count × page_size` bytes are the snapshot, byte for byte, until both transactions end. One
    /// connection runs `quick_check`; on the other the file is copied in 4 MiB reads and writes (the
    /// writes direct, past the page cache, where the system allows), the copy `fsync`ed, then read back
    /// by path (direct too: from the disk) and compared byte for byte with the database file, and the
    /// core tables counted. The copy differs from the snapshot only in bytes 18 and 19 (the file format's
    /// read and write versions: 2, WAL, becomes 1, a rollback journal: what `PRAGMA journal_mode =
    /// DELETE` writes there, so the copy is one file). Those bytes say how SQLite journals writes, not
    /// how it reads a page, so a copy equal to a snapshot that passed `quick_check` passes it too: the
    /// check is as strong as running it on the copy. A copy that differs (a byte damaged after its
    /// write) is refused with what `quick_check` says of it, as before, or with the first page that
    /// differs when `quick_check` sees nothing wrong.
    enum FileCopy {
        /// Bytes per read and write.
        static let chunk = 4 << 20

        /// The copy at `temp` and its verdict; nil (nothing left at `temp`) when the database file
        /// cannot be used now: the WAL is not wholly checkpointed (a reader holds an older snapshot),
        /// or its header is not a WAL database's. The caller then copies with the backup API.
        static func run(store: LedgerStore, to temp: String, against previous: String?, acceptShrink: Bool,
                        afterCopy: (@Sendable (String) -> Void)?) throws -> (problem: String?, counts: [String: Int]?)? {
            var config = Configuration()
            config.busyMode = .timeout(10)
            var readonly = config
            readonly.readonly = true
            guard let hold = try? DatabaseQueue(path: store.path, configuration: config) else { return nil }
            defer { try? hold.close() }
            guard let checker = try? DatabaseQueue(path: store.path, configuration: readonly) else { return nil }
            defer { try? checker.close() }

            let state = State()
            let done = DispatchGroup()
            var frozen = false
            try store.pool.writeWithoutTransaction { w in
                try w.execute(sql: "BEGIN IMMEDIATE")
                defer { try? w.execute(sql: "ROLLBACK") }
                guard let row = try? hold.inDatabase({ db in try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") }) else { return }
                let busy: Int = row[0], log: Int = row[1], checkpointed: Int = row[2]
                guard busy == 0, log >= 0, log == checkpointed else { return }
                frozen = true
                let ready = DispatchGroup()
                ready.enter()
                ready.enter()
                done.enter()
                done.enter()
                DispatchQueue.global().async {
                    defer { done.leave() }
                    let begun = Once { ready.leave() }
                    defer { begun.run() }
                    let result = Result<[String], any Error> {
                        try checker.read { db in
                            _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master")
                            begun.run()
                            return try String.fetchAll(db, sql: "PRAGMA quick_check")
                        }
                    }
                    state.lock.withLock { state.check = result }
                }
                DispatchQueue.global().async {
                    defer { done.leave() }
                    let begun = Once { ready.leave() }
                    defer { begun.run() }
                    do {
                        try hold.read { db in
                            _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master")
                            begun.run()
                            let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
                            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                            let copied = try copyFile(db, bytes: pageSize * pages, pageSize: pageSize, to: temp, afterCopy: afterCopy)
                            state.lock.withLock { state.copied = copied }
                            guard case .same = copied else { return }
                            let now = Result<[String: Int], any Error> {
                                var counts: [String: Int] = [:]
                                for t in coreTables where try db.tableExists(t) { counts[t] = try DataRightsCommands.rowCount(db, t) }
                                return counts
                            }
                            state.lock.withLock { state.now = now }
                        }
                    } catch {
                        state.lock.withLock { state.failure = error }
                    }
                }
                // Both snapshots are taken before any other commit.
                ready.wait()
            }
            guard frozen else { return nil }
            done.wait()
            let (copied, failure, check, now) = state.lock.withLock { (state.copied, state.failure, state.check, state.now) }
            if let failure {
                unlink(temp)
                throw Failure(message: "cannot back up the database to \(temp): \(failure)")
            }
            switch copied {
            case .same?:
                return try judge((check!, now!), against: previous, acceptShrink: acceptShrink)
            case .differs(let page)?:
                let own = try Backups.check(temp, against: nil, acceptShrink: true).problem
                return (own ?? "the copy differs from the database at page \(page)", nil)
            case .unusable?, nil:
                unlink(temp)
                return nil
            }
        }

        /// What a copy came to.
        enum Copied {
            /// Byte for byte the database file (but for the journal bytes 18 and 19).
            case same
            /// Read back, it differs from the database file, first at this page (1-based).
            case differs(page: Int)
            /// The database file is not what the snapshot says (size, page size, not WAL): nothing copied.
            case unusable
        }

        /// Copies the first `bytes` of `db`'s database file into a new owner-only file at `temp`
        /// (bytes 18 and 19 set to 1), `fsync`s it, calls `afterCopy`, and compares the file at
        /// `temp` read back with the database file. The database file is read through `db`'s own
        /// file handle (``DatabaseFileReader``): a descriptor of our own, once closed, would drop the
        /// process's locks on the file, the read transactions' among them.
        ///
        /// The copy is written and read back with direct I/O (`O_DIRECT` on Linux) where the file
        /// system takes it: its 3.3 GB at scale 1 never enter the page cache, so the backup neither
        /// fills fresh memory with pages nobody reads again (the costly part of the copy on a machine
        /// slow to hand out new memory) nor evicts the night's working set, and the read back returns
        /// what the disk holds, not the pages just written. The comparison stays byte for byte
        /// (`memcmp`) with the database file. Where direct I/O is refused (another system, a file
        /// system without it, a last chunk not a multiple of 4 KiB when pages are smaller), the same
        /// bytes go through the page cache, as before.
        static func copyFile(_ db: Database, bytes: Int, pageSize: Int, to temp: String,
                             afterCopy: (@Sendable (String) -> Void)?) throws -> Copied {
            guard let source = DatabaseFileReader(db), let size = source.size,
                  bytes >= 512, pageSize >= 512, bytes % pageSize == 0, size >= bytes else {
                return .unusable
            }
            let a = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 4096)
            defer { a.deallocate() }
            let b = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 4096)
            defer { b.deallocate() }

            /// The source's bytes at `offset`, as the copy holds them.
            func readSource(_ n: Int, at offset: Int) throws -> Bool {
                guard source.read(into: a, count: n, at: offset) else {
                    throw CopyError(what: "cannot read \(n) bytes of the database file at \(offset)")
                }
                guard offset == 0 else { return true }
                let h = a.assumingMemoryBound(to: UInt8.self)
                let size = Int(h[16]) << 8 | Int(h[17])
                guard size == (pageSize == 65536 ? 1 : pageSize), h[18] == 2, h[19] == 2 else { return false }
                h[18] = 1
                h[19] = 1
                return true
            }

            let dst = try OwnerOnly.create(temp)
            var off = 0
            do {
                defer { close(dst) }
                var direct = setDirect(dst, true)
                while off < bytes {
                    let n = min(chunk, bytes - off)
                    guard try readSource(n, at: off) else { return .unusable }
                    if direct && n % directAlignment != 0 { direct = setDirect(dst, false) }
                    var done = 0
                    while done < n {
                        let w = pwrite(dst, a + done, n - done, off_t(off + done))
                        if w < 0 && errno == EINVAL && direct {
                            direct = setDirect(dst, false)
                            continue
                        }
                        guard w > 0 else { throw CopyError(what: "cannot write \(temp): \(String(cString: strerror(errno)))") }
                        done += w
                    }
                    off += n
                }
                guard fsync(dst) == 0 else { throw CopyError(what: "cannot write \(temp) to disk: \(String(cString: strerror(errno)))") }
            }
            afterCopy?(temp)
            // Read back by its name, the file the rename will publish.
            let back = open(temp, O_RDONLY | O_CLOEXEC)
            guard back >= 0 else { throw CopyError(what: "cannot open \(temp): \(String(cString: strerror(errno)))") }
            defer { close(back) }
            _ = posix_fadvise(back, 0, 0, POSIX_FADV_SEQUENTIAL)
            var directBack = setDirect(back, true)
            var bst = stat()
            guard fstat(back, &bst) == 0 else { throw CopyError(what: "cannot read \(temp)") }
            off = 0
            while off < bytes {
                let n = min(chunk, bytes - off)
                guard try readSource(n, at: off) else { return .differs(page: 1) }
                var got = 0
                while got < n {
                    // A direct read asks for whole 4 KiB blocks (at most `chunk`): past the end of the
                    // file it returns what there is.
                    let want = directBack ? (n + directAlignment - 1) / directAlignment * directAlignment : n
                    let r = pread(back, b + got, want - got, off_t(off + got))
                    if r < 0 && errno == EINVAL && directBack {
                        directBack = setDirect(back, false)
                        continue
                    }
                    guard r > 0 else { break }
                    got += r
                }
                got = min(got, n)
                if got < n || memcmp(a, b, n) != 0 {
                    var first = 0
                    let x = a.assumingMemoryBound(to: UInt8.self), y = b.assumingMemoryBound(to: UInt8.self)
                    while first < got && x[first] == y[first] { first += 1 }
                    return .differs(page: (off + first) / pageSize + 1)
                }
                off += n
            }
            // Nothing after the last page either.
            if Int(bst.st_size) != bytes { return .differs(page: bytes / pageSize + 1) }
            return .same
        }

        /// The size and alignment direct I/O is asked for in (offsets are multiples of `chunk`).
        static let directAlignment = 4096

        /// Linux's `O_DIRECT`, which the C library's Swift module does not export (its value differs
        /// by architecture); nil where it is not known, and the copy goes through the page cache.
        static let directFlag: Int32? = {
            #if os(Linux) && (arch(x86_64) || arch(i386))
            return 0o40000
            #elseif os(Linux) && arch(arm64)
            return 0o200000
            #else
            return nil
            #endif
        }()

        /// Turns direct I/O on or off for `fd`; true when it is on now.
        static func setDirect(_ fd: Int32, _ on: Bool) -> Bool {
            guard let flag = directFlag else { return false }
            let flags = fcntl(fd, F_GETFL)
            guard flags >= 0, fcntl(fd, F_SETFL, on ? flags | flag : flags & ~flag) == 0 else { return false }
            return on
        }

        struct CopyError: Error, CustomStringConvertible {
            let what: String
            var description: String { what }
        }

        /// What the two threads found.
        final class State: @unchecked Sendable {
            let lock = NSLock()
            var copied: Copied?
            var failure: (any Error)?
            var check: Result<[String], any Error>?
            var now: Result<[String: Int], any Error>?
        }

        /// A closure run at most once.
        final class Once: @unchecked Sendable {
            let lock = NSLock()
            var body: (() -> Void)?
            init(_ body: @escaping () -> Void) { self.body = body }
            func run() {
                let b = lock.withLock { () -> (() -> Void)? in
                    defer { body = nil }
                    return body
                }
                b?()
            }
        }
    }
}
